/**
 * Which file a path (or sluice's own stdin, stdout, stderr) is, by device and inode: two names
 * for one file (`--input X -o json:./X`, a hard link, `> X` on the shell) are one file.
 *
 * @module
 */

import { fstatSync } from "node:fs";
import { resolve } from "node:path";

/** A file's identity; character devices (`/dev/null`, a terminal) are shared harmlessly and left out. */
export interface FileIdentity {
  dev: number;
  ino: number;
  /** A regular file (not a pipe or a socket). */
  regular: boolean;
}

interface Status {
  dev: number;
  ino: number | null;
  isCharDevice: boolean;
  isFile: boolean;
}

function fromStatus(info: Status): FileIdentity | undefined {
  if (info.ino === null || info.isCharDevice) return undefined;
  return { dev: info.dev, ino: info.ino, regular: info.isFile };
}

/** The identity of stdin (0), stdout (1) or stderr (2), or undefined when it is a terminal or closed. */
export function standardIdentity(fd: 0 | 1 | 2): FileIdentity | undefined {
  try {
    const info = fstatSync(fd);
    return fromStatus({
      dev: info.dev,
      ino: info.ino,
      isCharDevice: info.isCharacterDevice(),
      isFile: info.isFile(),
    });
  } catch {
    return undefined;
  }
}

/** The identity of the file at `path` (links followed), or undefined when there is none yet. */
export function pathIdentity(path: string): FileIdentity | undefined {
  try {
    const info = Deno.statSync(path);
    return fromStatus({
      dev: info.dev,
      ino: info.ino,
      isCharDevice: info.isCharDevice === true,
      isFile: info.isFile,
    });
  } catch {
    return undefined;
  }
}

/** True when `a` and `b` are known and the same file. */
export function sameFile(a: FileIdentity | undefined, b: FileIdentity | undefined): boolean {
  return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

/** True when two paths name one place before any link is followed (`./x` and `x`). */
export function samePath(a: string, b: string): boolean {
  return resolve(a) === resolve(b);
}

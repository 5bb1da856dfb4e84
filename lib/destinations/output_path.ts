/**
 * Whether a file destination's path is safe to write as the user sluice started as (often root):
 * nobody else can make it point somewhere else, now or while sluice opens it.
 *
 * - Every folder on the way (symbolic links followed, as the kernel would) may be changed only
 *   by root or by the user sluice started as: not writable by others, nor by a group other than
 *   root's, unless it is sticky and owned by root (`/tmp`), where others cannot rename or remove
 *   what they do not own. This is logrotate's rule for the folders it writes in, plus the owner.
 * - The file itself, when it exists, is not a symbolic link, has one name (no hard link to
 *   `/etc/shadow`), and belongs to root or to that user; it is a regular file, a named pipe or a
 *   character device (`/dev/null`).
 *
 * Together these leave no window: what was checked can only be changed by root or by that user
 * between the check and the open, and the opener compares the opened file with the checked one.
 * Deno's `open` has no `O_NOFOLLOW`; doing it through libc would need FFI, which a replay must
 * not be granted.
 *
 * "That user" is the one sluice started as, not the one it runs as later: once a root sluice has
 * dropped to user 65534 (`nobody`), a file or folder of `nobody`'s could be changed by every
 * other process running as `nobody`, so a reopen still trusts only root.
 *
 * @module
 */

import { dirname, isAbsolute, join, resolve } from "node:path";
import process from "node:process";

/** What was found at a destination's path. */
export interface PathState {
  /** The absolute path, as given (not resolved). */
  path: string;
  /** The file's status (not following a link), or undefined when nothing is there yet. */
  existing?: Deno.FileInfo;
  /** False when folders on the way are missing (to be created by the opener). */
  folderExists: boolean;
}

/** An output path that is not safe to write; the message names it and says what to do. */
export class UnsafePathError extends Error {}

/** Symbolic links followed on the way before giving up, as the kernel's own limit. */
const MAX_LINKS = 40;

const STICKY = 0o1000;

/** The user sluice runs as now; at start, the one whose files and folders are trusted. */
export function effectiveUid(): number {
  try {
    return process.geteuid?.() ?? 0;
  } catch (error) {
    throw new UnsafePathError(
      `cannot tell which user sluice runs as (${(error as Error).message}): grant --allow-sys=uid`,
    );
  }
}

function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8)}`;
}

function lstat(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new UnsafePathError(`cannot check "${path}": ${(error as Error).message}`);
  }
}

/** True when only root or `uid` can change what `info` (a folder or link) holds or points to. */
function ownedSafely(info: Deno.FileInfo, uid: number): boolean {
  return info.uid === 0 || info.uid === uid;
}

function folderProblem(folder: string, info: Deno.FileInfo, uid: number): string | undefined {
  const mode = info.mode ?? 0;
  if ((mode & STICKY) !== 0 && info.uid === 0) return undefined;
  const byOthers = (mode & 0o002) !== 0 || ((mode & 0o020) !== 0 && info.gid !== 0);
  if (ownedSafely(info, uid) && !byOthers) return undefined;
  const who = `owner ${info.uid}, group ${info.gid}, mode ${octal(mode)}`;
  return `the folder "${folder}" (${who}) can be changed by other users, who could swap the file for a ` +
    "link: use a folder only root or sluice's user can change (or a sticky one owned by root, like /tmp)";
}

/**
 * Walks the folders of `folder` from `/` as the kernel resolves them, checking each one and
 * each link on the way. Returns false when a folder on the way does not exist yet.
 */
function checkFolders(folder: string, uid: number): boolean {
  const rest = folder.split("/").filter((part) => part !== "" && part !== ".");
  let current = "/";
  let links = 0;
  while (rest.length > 0) {
    const part = rest.shift()!;
    if (part === "..") {
      current = dirname(current);
      continue;
    }
    const next = join(current, part);
    // The kernel's own device folder: Deno does not let sluice look at it without --allow-all.
    if (next === "/dev") {
      current = next;
      continue;
    }
    const info = lstat(next);
    if (info === undefined) return false;
    if (info.isSymlink) {
      if (!ownedSafely(info, uid)) {
        throw new UnsafePathError(
          `the link "${next}" belongs to user ${info.uid}, who could point it elsewhere`,
        );
      }
      if (++links > MAX_LINKS) throw new UnsafePathError(`too many links on the way to "${folder}"`);
      const target = Deno.readLinkSync(next);
      rest.unshift(...target.split("/").filter((p) => p !== "" && p !== "."));
      if (isAbsolute(target)) current = "/";
      continue;
    }
    if (!info.isDirectory) throw new UnsafePathError(`"${next}" is not a folder`);
    const problem = folderProblem(next, info, uid);
    if (problem !== undefined) throw new UnsafePathError(problem);
    current = next;
  }
  return true;
}

function fileProblem(path: string, info: Deno.FileInfo, uid: number): string | undefined {
  if (info.isSymlink) {
    return `"${path}" is a symbolic link; sluice does not write through one: give the path of the file itself`;
  }
  if (info.isDirectory) return `"${path}" is a folder; give the path of a file in it`;
  if (!info.isFile && !info.isFifo && !info.isCharDevice) {
    return `"${path}" is neither a file, a named pipe nor a character device`;
  }
  if (!ownedSafely(info, uid)) {
    return `"${path}" belongs to user ${info.uid}, not to root or the user sluice started as (${uid}): ` +
      "remove it or give another path";
  }
  if (info.isFile && (info.nlink ?? 1) > 1) {
    return `"${path}" has ${info.nlink} hard links, so another name may be a file sluice must not write: ` +
      "remove it or give another path";
  }
  return undefined;
}

/** Options of {@link checkOutputPath}. */
export interface CheckOptions {
  /** The user trusted besides root: the one sluice started as. @default {the user sluice runs as} */
  trustedUid?: number;
}

/**
 * Checks `path` (relative to the working folder) and returns what is there. Throws
 * {@link UnsafePathError} when writing there could be turned against the host.
 */
export function checkOutputPath(path: string, options: CheckOptions = {}): PathState {
  const absolute = resolve(path);
  const uid = options.trustedUid ?? effectiveUid();
  const folderExists = checkFolders(dirname(absolute), uid);
  const existing = folderExists ? lstat(absolute) : undefined;
  if (existing === undefined) return { path: absolute, folderExists };
  const problem = fileProblem(absolute, existing, uid);
  if (problem !== undefined) throw new UnsafePathError(problem);
  return { path: absolute, existing, folderExists };
}

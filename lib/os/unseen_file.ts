/**
 * Creates a file that no other process can open before it belongs to its intended owner.
 *
 * After sluice leaves root, a file it creates by name belongs to user 65534 (`nobody`) for a
 * moment, and every process running as `nobody` may `chmod` and open a file it owns, even one
 * created with mode 0, and keep that descriptor after the file is given to root. So the file is
 * made without a name (`O_TMPFILE`) in its folder, given to its owner, and only then linked at
 * its path; `linkat` fails when anything is there already and never follows a link.
 *
 * @module
 */

import { dirname } from "node:path";
import { arch, cText, errnoText, lastErrno, type OsLibc } from "./libc.ts";

/** Who a created file belongs to. */
export interface Owner {
  uid: number;
  gid: number;
}

/** Options of {@link createUnseenFile}. */
export interface UnseenFileOptions {
  /** The file's mode, less what the umask removes. */
  mode: number;
  /** Who the file belongs to before it gets its name. */
  owner: Owner;
}

/** The folder's filesystem (or the kernel) cannot create a file without a name. */
export class NoUnnamedFiles extends Error {}

const O_WRONLY = 0o1;
const O_CLOEXEC = 0o2000000;
const AT_FDCWD = -100;
const AT_SYMLINK_FOLLOW = 0x400;
const EEXIST = 17;
const EISDIR = 21;
const EOPNOTSUPP = 95;

/** The device and inode numbers of an open descriptor. */
function identity(libc: OsLibc, fd: number): { dev: number; ino: number } {
  const stat = new Uint8Array(256);
  if (libc.syscall(arch.SYS_FSTAT, BigInt(fd), stat, 0n) !== 0n) {
    throw new Error(`cannot look at the new file (${errnoText(libc, lastErrno(libc))})`);
  }
  const view = new DataView(stat.buffer);
  return { dev: Number(view.getBigUint64(0, true)), ino: Number(view.getBigUint64(8, true)) };
}

/**
 * Creates `path` for appending, as the module doc says. Returns undefined when something
 * appeared at `path` meanwhile (look again); throws {@link NoUnnamedFiles} when its folder
 * cannot hold a file without a name, and an error naming the step for any other failure.
 */
export function createUnseenFile(
  libc: OsLibc,
  path: string,
  options: UnseenFileOptions,
): Deno.FsFile | undefined {
  const folder = dirname(path);
  const fd = libc.open(cText(folder), arch.O_TMPFILE | O_WRONLY | O_CLOEXEC, options.mode);
  if (fd < 0) {
    const code = lastErrno(libc);
    const reason = errnoText(libc, code);
    if (code === EOPNOTSUPP || code === EISDIR) {
      throw new NoUnnamedFiles(
        `the filesystem of "${folder}" cannot create a file without a name (${reason})`,
      );
    }
    throw new Error(`cannot create a file in "${folder}" (${reason})`);
  }
  try {
    const { uid, gid } = options.owner;
    if (libc.fchown(fd, uid, gid) !== 0) {
      throw new Error(
        `cannot give the new file to user ${uid}, group ${gid} (${errnoText(libc, lastErrno(libc))})`,
      );
    }
    const created = identity(libc, fd);
    // /proc/self/fd/N names the unnamed file; AT_EMPTY_PATH would need CAP_DAC_READ_SEARCH.
    if (libc.linkat(AT_FDCWD, cText(`/proc/self/fd/${fd}`), AT_FDCWD, cText(path), AT_SYMLINK_FOLLOW) !== 0) {
      const code = lastErrno(libc);
      if (code === EEXIST) return undefined;
      throw new Error(`cannot give the new file its name "${path}" (${errnoText(libc, code)})`);
    }
    const file = Deno.openSync(path, { write: true, append: true });
    const opened = file.statSync();
    if (opened.dev !== created.dev || opened.ino !== created.ino) {
      file.close();
      throw new Error(`"${path}" was replaced right after sluice created it`);
    }
    return file;
  } finally {
    libc.close(fd);
  }
}

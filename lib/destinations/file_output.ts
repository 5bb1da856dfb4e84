/**
 * Where a file destination's bytes go: stdout, stderr, or a path opened so that it cannot be
 * turned against the host (see `output_path.ts`), locked against a second writer, reopened on
 * request (logrotate), and never truncated.
 *
 * A path is opened for appending, created with mode 0600 (or the destination's `permissions`)
 * when missing. An existing file is never truncated: a run that fails to start leaves it as it
 * was, and a rotated file receives nothing twice. (Tracee truncates on open; sluice appends.)
 *
 * A reopen comes after sluice has left root (lib/privileges/), and is built for that: it trusts
 * only root and the user sluice started as, runs synchronously on the main thread with the
 * capabilities held for it raised there alone, and gives a file it creates to the rotated
 * file's owner before any other process can open it (lib/os/unseen_file.ts).
 *
 * @module
 */

import { dirname } from "node:path";
import { standardStream } from "../config/destinations.ts";
import { reachableLibc } from "../os/libc.ts";
import { createUnseenFile, NoUnnamedFiles, type Owner } from "../os/unseen_file.ts";
import { withFileCapabilities } from "../privileges/mod.ts";
import { checkOutputPath, effectiveUid, UnsafePathError } from "./output_path.ts";

/** Mode of a file sluice creates when the destination sets no `permissions`. */
export const DEFAULT_PERMISSIONS = 0o600;

/** How long opening a named pipe waits for a process to open it for reading. */
export const PIPE_OPEN_TIMEOUT_MS = 10_000;

/**
 * The largest piece handed to one write into a pipe (stdout, a named pipe): a blocking pipe
 * write returns only once all of it is taken, so each landed piece is the progress a slow
 * reader shows. Files and devices take whole chunks, one write each.
 */
const PIPE_PIECE_BYTES = 64 * 1024;

/** Options of {@link openFileOutput}. */
export interface FileOutputOptions {
  /** Mode of a file sluice creates (before the umask). @default {DEFAULT_PERMISSIONS} */
  permissions?: number;
  /** How long to wait for the reader of a named pipe. @default {PIPE_OPEN_TIMEOUT_MS} */
  pipeOpenTimeoutMs?: number;
}

/** A write that failed after `written` bytes of it had landed. */
export class WriteError extends Error {
  /** Builds it from the bytes that landed and the underlying error. */
  constructor(readonly written: number, override readonly cause: unknown) {
    super((cause as Error)?.message ?? String(cause));
  }
}

/** An opened output. */
export interface FileOutput {
  /** When the last piece of a write landed (ms since the epoch), for telling a stalled reader. */
  lastProgress(): number;
  /** Writes all of `bytes` at the end; throws {@link WriteError} saying how much landed. */
  write(bytes: Uint8Array): Promise<void>;
  /** Removes the last `count` bytes written (a partial line) where the output allows it (a file). */
  dropTail(count: number): Promise<void>;
  /**
   * Regular files only: opens the path again (after logrotate renamed the file); true when a
   * new file is now written. Throws, keeping the old file, when the path cannot be opened.
   */
  reopen?(): boolean;
  close(): void;
}

/** A regular file, a named pipe or a device, opened and checked. */
interface Opened {
  file: Deno.FsFile;
  info: Deno.FileInfo;
}

/** How a path is opened, at start or again on SIGHUP. */
interface Opening {
  path: string;
  /** Mode of a file sluice creates. */
  mode: number;
  /** The user trusted besides root: the one sluice started as. */
  trustedUid: number;
  /** Make missing folders on the way (at start; made later, they would not be root's). */
  makeFolders: boolean;
  /** Set when reopening: the rotated file's owner and group, who a new file is given to. */
  owner?: Owner;
}

/** A named pipe found at the path: opening it waits for its reader, so it is opened apart. */
interface Pipe {
  pipe: Deno.FileInfo;
  path: string;
}

async function openPipe(path: string, timeoutMs: number): Promise<Deno.FsFile> {
  // Opening a pipe for writing waits for a reader; Deno's open cannot be told not to wait.
  const opening = Deno.open(path, { write: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new Error(
          `no process opened the named pipe "${path}" for reading within ${timeoutMs / 1000} s: ` +
            "start its reader first",
        ),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([opening, timeout]);
  } catch (error) {
    opening.then((file) => file.close(), () => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** `file`, opened at `path` where `checked` was found, or an error when it is another file now. */
function sameFile(file: Deno.FsFile, checked: Deno.FileInfo, path: string): Opened {
  const info = file.statSync();
  if (info.dev !== checked.dev || info.ino !== checked.ino) {
    file.close();
    throw new UnsafePathError(`"${path}" was replaced while sluice opened it`);
  }
  return { file, info };
}

/** Creates `path` by name (`O_EXCL`, which never follows a link); undefined when it exists meanwhile. */
function createByName(path: string, mode: number): Deno.FsFile | undefined {
  try {
    return Deno.openSync(path, { write: true, append: true, createNew: true, mode });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return undefined;
    throw error;
  }
}

/** Creates the missing file at `path`; undefined when something appeared there meanwhile. */
function createFile(opening: Opening, path: string): Deno.FsFile | undefined {
  const { owner, mode } = opening;
  // At start sluice is still the user it started as, who is to own what it creates.
  if (owner === undefined) return createByName(path, mode);
  const libc = reachableLibc();
  if (libc !== undefined) {
    try {
      return createUnseenFile(libc, path, { mode, owner });
    } catch (error) {
      if (!(error instanceof NoUnnamedFiles)) throw error;
      if (owner.uid !== effectiveUid()) {
        throw new Error(
          `${error.message}: have logrotate create the new file (its create directive) or use copytruncate`,
        );
      }
    }
  } else if (owner.uid !== effectiveUid()) {
    throw new Error(`cannot give a new file to user ${owner.uid} without libc: grant --allow-ffi`);
  }
  // The rotated file was sluice's own user's too: no one else gains anything from seeing it first.
  return createByName(path, mode);
}

/**
 * Checks `path` and opens what is there, creating it (and, at start, its folders) when missing.
 * Synchronous, so that on a reopen every system call runs on the thread whose capabilities
 * were raised for it. A named pipe is returned unopened.
 */
function openChecked(opening: Opening): Opened | Pipe {
  const { path } = opening;
  // A file or folder may appear between the check and the open (another process creating
  // it): then check again, a few times at most.
  for (let attempt = 0; attempt < 3; attempt++) {
    const state = checkOutputPath(path, { trustedUid: opening.trustedUid });
    if (!state.folderExists) {
      if (!opening.makeFolders) {
        throw new UnsafePathError(`the folder "${dirname(state.path)}" does not exist`);
      }
      Deno.mkdirSync(dirname(state.path), { recursive: true, mode: 0o750 });
      continue;
    }
    const existing = state.existing;
    if (existing === undefined) {
      const file = createFile(opening, state.path);
      if (file !== undefined) return { file, info: file.statSync() };
      continue;
    }
    // Opening a device or a pipe may have effects of its own; only a file is reopened.
    if (opening.owner !== undefined && !existing.isFile) {
      throw new UnsafePathError(`"${path}" is not a regular file any more`);
    }
    if (existing.isFifo) return { pipe: existing, path: state.path };
    return sameFile(Deno.openSync(state.path, { write: true, append: true }), existing, path);
  }
  throw new UnsafePathError(`"${path}" keeps changing while sluice opens it; start again`);
}

function lock(opened: Opened, path: string): void {
  if (!opened.info.isFile) return;
  if (opened.file.tryLockSync(true)) return;
  opened.file.close();
  throw new Error(
    `another process holds the lock on "${path}" (another sluice writing there?): give each run its own file`,
  );
}

/**
 * Opens the path again after logrotate renamed the file: a file there now, or a new one given
 * to the rotated file's owner. Runs with the capabilities held for it raised (lib/privileges/),
 * as sluice no longer runs as the user it started as.
 */
function reopenChecked(opening: Opening, rotated: Opened): Opened {
  return withFileCapabilities(() => {
    // Deno looks an open file's path up again to check its permission: that too needs what is raised.
    const { uid, gid } = rotated.file.statSync();
    // A folder made now would belong to the user sluice runs as, whom no check trusts.
    const found = openChecked({ ...opening, makeFolders: false, owner: { uid: uid!, gid: gid! } });
    // openChecked refuses anything but a file when reopening, so there is no pipe here.
    return found as Opened;
  });
}

/** Something bytes can be written to. */
interface Writer {
  write(bytes: Uint8Array): Promise<number>;
}

/** Writes in pieces of at most `pieceBytes` and remembers when the last one landed. */
function pieceWriter(
  target: () => Writer,
  pieceBytes: () => number,
): Pick<FileOutput, "write" | "lastProgress"> {
  let lastProgress = Date.now();
  return {
    lastProgress: () => lastProgress,
    async write(bytes) {
      let offset = 0;
      try {
        while (offset < bytes.length) {
          offset += await target().write(bytes.subarray(offset, offset + pieceBytes()));
          lastProgress = Date.now();
        }
      } catch (error) {
        throw new WriteError(offset, error);
      }
    },
  };
}

function standardOutput(name: "stdout" | "stderr"): FileOutput {
  // Deno opens /dev/std* only with --allow-all; they are the same streams anyway.
  const stream = name === "stdout" ? Deno.stdout : Deno.stderr;
  return {
    ...pieceWriter(() => stream, () => PIPE_PIECE_BYTES),
    dropTail: () => Promise.resolve(),
    close: () => {},
  };
}

/**
 * Opens `path` for appending now, checked as a destination's path is (never through a link,
 * created with mode 0600 when missing, its folder not made); for sluice's own log. A named pipe
 * is refused: opening one waits for its reader.
 */
export function openCheckedSync(path: string): Deno.FsFile {
  const found = openChecked({
    path,
    mode: DEFAULT_PERMISSIONS,
    trustedUid: effectiveUid(),
    makeFolders: false,
  });
  if ("pipe" in found) throw new UnsafePathError(`"${path}" is a named pipe: give a file`);
  return found.file;
}

/** Opens what a file destination's `path` names, or throws with a message naming it. */
export async function openFileOutput(path: string, options: FileOutputOptions = {}): Promise<FileOutput> {
  const standard = standardStream(path);
  if (standard !== undefined) return standardOutput(standard);
  // Judged now, at start: later sluice may run as another user, whom no check should trust.
  const opening: Opening = {
    path,
    mode: options.permissions ?? DEFAULT_PERMISSIONS,
    trustedUid: effectiveUid(),
    makeFolders: true,
  };
  const found = openChecked(opening);
  let current = "file" in found ? found : sameFile(
    await openPipe(found.path, options.pipeOpenTimeoutMs ?? PIPE_OPEN_TIMEOUT_MS),
    found.pipe,
    path,
  );
  lock(current, path);
  const output: FileOutput = {
    ...pieceWriter(() => current.file, () => current.info.isFifo ? PIPE_PIECE_BYTES : Infinity),
    async dropTail(count) {
      if (!current.info.isFile || count <= 0) return;
      // Not stat(): Deno checks the path's read permission first, looking the path up again,
      // which user 65534 cannot do in a folder only root may enter.
      const size = await current.file.seek(0, Deno.SeekMode.End);
      await current.file.truncate(Math.max(0, size - count));
    },
    close: () => current.file.close(),
  };
  if (!current.info.isFile) return output;
  // A reopen creates through libc: open it while FFI is still granted (a replay gives FFI up once started).
  reachableLibc();
  output.reopen = () => {
    const next = reopenChecked(opening, current);
    if (next.info.dev === current.info.dev && next.info.ino === current.info.ino) {
      next.file.close();
      return false;
    }
    lock(next, path);
    const old = current;
    current = next;
    old.file.close();
    return true;
  };
  return output;
}

/**
 * Where a file destination's bytes go: stdout, stderr, or a path opened so that it cannot be
 * turned against the host (see `output_path.ts`), locked against a second writer, reopened on
 * request (logrotate), and never truncated.
 *
 * A path is opened for appending, created with mode 0600 (or the destination's `permissions`)
 * when missing. An existing file is never truncated: a run that fails to start leaves it as it
 * was, and a rotated file receives nothing twice. (Tracee truncates on open; sluice appends.)
 *
 * @module
 */

import { dirname } from "node:path";
import { standardStream } from "../config/destinations.ts";
import { checkOutputPath, UnsafePathError } from "./output_path.ts";

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
   * Opens the path again (after logrotate renamed it); true when a new file is now written.
   * Throws, keeping the old file, when the path cannot be opened.
   */
  reopen(): Promise<boolean>;
  close(): void;
}

/** A regular file, a named pipe or a device, opened and checked. */
interface Opened {
  file: Deno.FsFile;
  info: Deno.FileInfo;
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

/** Opens `path` after checking it, creating it (and its folders) when missing. */
async function openChecked(path: string, options: FileOutputOptions): Promise<Opened> {
  // A file or folder may appear between the check and the open (another process creating
  // it): then check again, a few times at most.
  for (let attempt = 0; attempt < 3; attempt++) {
    const state = checkOutputPath(path);
    if (!state.folderExists) {
      Deno.mkdirSync(dirname(state.path), { recursive: true, mode: 0o750 });
      continue;
    }
    const existing = state.existing;
    if (existing === undefined) {
      try {
        // createNew is O_CREAT|O_EXCL, which never follows a link.
        const mode = options.permissions ?? DEFAULT_PERMISSIONS;
        const file = await Deno.open(state.path, { write: true, append: true, createNew: true, mode });
        return { file, info: await file.stat() };
      } catch (error) {
        if (error instanceof Deno.errors.AlreadyExists) continue;
        throw error;
      }
    }
    const file = existing.isFifo
      ? await openPipe(state.path, options.pipeOpenTimeoutMs ?? PIPE_OPEN_TIMEOUT_MS)
      : await Deno.open(state.path, { write: true, append: true });
    const info = await file.stat();
    if (info.dev !== existing.dev || info.ino !== existing.ino) {
      file.close();
      throw new UnsafePathError(`"${path}" was replaced while sluice opened it; start again`);
    }
    return { file, info };
  }
  throw new UnsafePathError(`"${path}" keeps changing while sluice opens it; start again`);
}

async function lock(opened: Opened, path: string): Promise<void> {
  if (!opened.info.isFile) return;
  if (await opened.file.tryLock(true)) return;
  opened.file.close();
  throw new Error(
    `another process holds the lock on "${path}" (another sluice writing there?): give each run its own file`,
  );
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
    reopen: () => Promise.resolve(false),
    close: () => {},
  };
}

/** Opens what a file destination's `path` names, or throws with a message naming it. */
export async function openFileOutput(path: string, options: FileOutputOptions = {}): Promise<FileOutput> {
  const standard = standardStream(path);
  if (standard !== undefined) return standardOutput(standard);
  let current = await openChecked(path, options);
  await lock(current, path);
  return {
    ...pieceWriter(() => current.file, () => current.info.isFifo ? PIPE_PIECE_BYTES : Infinity),
    async dropTail(count) {
      if (!current.info.isFile || count <= 0) return;
      const { size } = await current.file.stat();
      await current.file.truncate(Math.max(0, size - count));
    },
    async reopen() {
      if (!current.info.isFile) return false;
      const next = await openChecked(path, options);
      if (next.info.dev === current.info.dev && next.info.ino === current.info.ino) {
        next.file.close();
        return false;
      }
      await lock(next, path);
      const old = current;
      current = next;
      old.file.close();
      return true;
    },
    close: () => current.file.close(),
  };
}

/**
 * Applies the `--log` settings to sluice's reporter: level, format, and the log file
 * (`file=PATH`), written synchronously so that the last line before exit is not lost.
 *
 * @module
 */

import { configureLog } from "../log.ts";
import { UsageError } from "./args.ts";
import type { LogSettings } from "./log_flags.ts";

/**
 * Creates (or truncates, as Tracee does) `path` and returns a line sink. Throws
 * {@link UsageError} with the path and the reason when it cannot be opened.
 */
export function openLogFile(path: string): (line: string) => void {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { write: true, create: true, truncate: true });
  } catch (error) {
    throw new UsageError(`--log file=${path}: cannot open it: ${(error as Error).message}`);
  }
  const encoder = new TextEncoder();
  return (line) => {
    const bytes = encoder.encode(line + "\n");
    let written = 0;
    while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
  };
}

/** Sets the reporter's level, format and sink from `settings`. */
export function applyLogSettings(settings: LogSettings): void {
  const { level, format, file } = settings;
  configureLog({ level, format, ...(file === undefined ? {} : { write: openLogFile(file) }) });
}

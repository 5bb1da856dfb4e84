/**
 * Applies the `--log` settings to sluice's reporter: level, format, and the log file
 * (`file=PATH`), written synchronously so that the last line before exit is not lost.
 *
 * @module
 */

import { openCheckedSync } from "../destinations/file_output.ts";
import { configureLog } from "../log.ts";
import { UsageError } from "./args.ts";
import type { LogSettings } from "./log_flags.ts";

/**
 * Creates (or truncates, as Tracee does) `path` and returns a line sink. The path is checked as
 * a file destination's is, since sluice starts as root. Throws {@link UsageError} with the path
 * and the reason when it cannot be opened.
 */
export function openLogFile(path: string): (line: string) => void {
  let file: Deno.FsFile;
  try {
    file = openCheckedSync(path);
    if (file.statSync().isFile) file.truncateSync(0);
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

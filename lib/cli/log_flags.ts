/**
 * The `--log` flag (Tracee's `--logging`/`-l`): sluice's bare level (`--log debug`) and Tracee's
 * `key=value` forms (`--logging level=debug --logging file=/var/log/sluice.log`).
 *
 * Tracee's `aggregate` and `filters.*` forms are refused by name: sluice prints each line once
 * and has no per-package log filters.
 *
 * @module
 */

import { LOG_LEVELS, type LogFormat, type LogLevel } from "../log.ts";

/** How sluice's own lines are printed. */
export interface LogSettings {
  /** @default {"info"} */
  level: LogLevel;
  /** @default {"text"} */
  format: LogFormat;
  /** A file the lines go to instead of stderr (created, or truncated as Tracee does). */
  file?: string;
}

/** The settings with no `--log` flag. */
export const DEFAULT_LOG_SETTINGS: LogSettings = { level: "info", format: "text" };

const FORMATS: readonly LogFormat[] = ["text", "json"];
const UNSUPPORTED = /^(aggregate|filters)(\.|=|$)/;

function levelOf(value: string): LogLevel | undefined {
  // Tracee's fatal lines are sluice's error lines: the run ends with them.
  if (value === "fatal") return "error";
  return (LOG_LEVELS as readonly string[]).includes(value) ? value as LogLevel : undefined;
}

/**
 * Reads every `--log`/`--logging` value in order (a later value wins) and returns the settings
 * with one problem line per bad value.
 */
export function parseLogFlags(values: readonly string[]): { settings: LogSettings; problems: string[] } {
  const settings: LogSettings = { ...DEFAULT_LOG_SETTINGS };
  const problems: string[] = [];
  const expected = `${LOG_LEVELS.join(", ")} (or level=, file=, format=)`;
  for (const value of values) {
    const bare = levelOf(value);
    if (bare !== undefined) {
      settings.level = bare;
      continue;
    }
    const equals = value.indexOf("=");
    const key = equals < 0 ? value : value.slice(0, equals);
    const given = equals < 0 ? undefined : value.slice(equals + 1);
    if (UNSUPPORTED.test(value)) {
      problems.push(`--log ${value}: Tracee's ${key.split(".")[0]} option is not supported by sluice`);
    } else if (key === "level" && given !== undefined) {
      const level = levelOf(given);
      if (level === undefined) problems.push(`--log ${value}: expected a level of ${LOG_LEVELS.join(", ")}`);
      else settings.level = level;
    } else if (key === "file" && given !== undefined) {
      if (given === "") problems.push(`--log ${value}: expected a file path`);
      else settings.file = given;
    } else if (key === "format" && given !== undefined) {
      if (!(FORMATS as readonly string[]).includes(given)) {
        problems.push(`--log ${value}: expected format=text or format=json`);
      } else settings.format = given as LogFormat;
    } else {
      problems.push(`--log: expected one of ${expected}, got "${value}"`);
    }
  }
  return { settings, problems };
}

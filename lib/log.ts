/**
 * The one reporter of sluice's own lines (notices, warnings, errors, the exit summary): levels as
 * `--log` sets them, secrets redacted, control characters escaped, one line per call, stderr.
 *
 * Events never go through here: they belong to destinations.
 *
 * @module
 */

import { redact } from "./redact.ts";

/** The levels of `--log`, least severe first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = typeof LOG_LEVELS[number];

/** `text`: `sluice: message`; `json`: one object a line for log shippers. */
export type LogFormat = "text" | "json";

/** Options of {@link configureLog}. */
export interface LogOptions {
  /** Lines below this level are not printed. @default {"info"} */
  level?: LogLevel;
  /** @default {"text"} */
  format?: LogFormat;
  /** Where finished lines go (without their newline). @default {stderr, through a bounded queue} */
  write?: (line: string) => void;
}

/** A line longer than this is cut (a 50 MB config value must not become a 50 MB line). */
export const MAX_LINE_CHARS = 4096;

/** Bytes of lines waiting for stderr at most; past it lines are counted and left out. */
export const MAX_QUEUED_BYTES = 1 << 20;

const encoder = new TextEncoder();
const queue: Uint8Array[] = [];
let queuedBytes = 0;
let dropped = 0;
let pumping: Promise<void> | undefined;

/**
 * Lines go to stderr asynchronously: a reader that stops reading (a full pipe) must not stop
 * sluice, so lines wait in a bounded queue and what does not fit is counted, then reported once
 * stderr moves again. {@link flushLog} waits for the queue before exit.
 */
function stderrLine(line: string): void {
  const bytes = encoder.encode(line + "\n");
  if (queuedBytes + bytes.length > MAX_QUEUED_BYTES) {
    dropped++;
    return;
  }
  queue.push(bytes);
  queuedBytes += bytes.length;
  pumping ??= pump();
}

async function pump(): Promise<void> {
  try {
    while (queue.length > 0) {
      const bytes = queue[0];
      let written = 0;
      while (written < bytes.length) written += await Deno.stderr.write(bytes.subarray(written));
      queue.shift();
      queuedBytes -= bytes.length;
      if (queue.length === 0 && dropped > 0) {
        const note = encoder.encode(`sluice: ${dropped} log line(s) left out: stderr was not being read\n`);
        dropped = 0;
        queue.push(note);
        queuedBytes += note.length;
      }
    }
  } catch {
    // stderr is gone (its reader closed it): nothing more can be said there.
    queue.length = 0;
    queuedBytes = 0;
  } finally {
    pumping = undefined;
  }
}

/** Resolves once every line so far reached stderr, or after `timeoutMs` (a reader that never reads). */
export async function flushLog(timeoutMs = 2000): Promise<void> {
  if (pumping === undefined) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([pumping, new Promise<void>((resolve) => timer = setTimeout(resolve, timeoutMs))]);
  clearTimeout(timer);
}

let threshold = 1;
let format: LogFormat = "text";
let write: (line: string) => void = stderrLine;

/** Sets the level, format and sink of every later line. */
export function configureLog(options: LogOptions): void {
  if (options.level !== undefined) threshold = LOG_LEVELS.indexOf(options.level);
  if (options.format !== undefined) format = options.format;
  if (options.write !== undefined) write = options.write;
}

/** True when lines of `level` are printed. */
export function logs(level: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) >= threshold;
}

/** Escapes control characters (ESC, NUL, newlines) so a message stays one harmless line. */
export function escapeControl(text: string): string {
  // deno-lint-ignore no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\t") return "\\t";
    if (c === "\r") return "\\r";
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
}

/** The printed form of `message`: redacted, escaped and cut to {@link MAX_LINE_CHARS}. */
export function cleanLine(message: string): string {
  const text = escapeControl(redact(message));
  if (text.length <= MAX_LINE_CHARS) return text;
  return `${text.slice(0, MAX_LINE_CHARS)}... (${text.length - MAX_LINE_CHARS} more characters)`;
}

function emit(level: LogLevel, message: string): void {
  if (LOG_LEVELS.indexOf(level) < threshold) return;
  const text = cleanLine(message);
  write(
    format === "json"
      ? JSON.stringify({ time: new Date().toISOString(), level, msg: text })
      : `sluice: ${text}`,
  );
}

/** sluice's reporter: one call, one line. Multi-line messages print one line each. */
export const log = {
  /** Details for diagnosis (`--log debug`). */
  debug: (message: string): void => each("debug", message),
  /** What sluice is doing: notices, the exit summary. */
  info: (message: string): void => each("info", message),
  /** Something is wrong but the run goes on. */
  warn: (message: string): void => each("warn", message),
  /** The run, or what was asked, failed. */
  error: (message: string): void => each("error", message),
};

function each(level: LogLevel, message: string): void {
  if (message.indexOf("\n") < 0) return emit(level, message);
  for (const line of message.split("\n")) emit(level, line);
}

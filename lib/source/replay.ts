/**
 * The replay source: Tracee JSON-lines events from a file, a named pipe, stdin or any byte
 * stream.
 *
 * One batch per chunk read. A line that is not a Tracee event sluice can carry (not JSON, the
 * wrong shape or types, nested too deeply, longer than {@link MAX_LINE_BYTES}) is reported
 * with its line number, counted and skipped: a damaged or hostile recording never stops a
 * replay, and never costs more memory than one line of the bound.
 *
 * @module
 */

import type { Event } from "../events/event.ts";
import { eventProblem } from "./event_shape.ts";
import { readLines } from "./line_reader.ts";
import type { EventSource } from "./source.ts";

/** The longest line replayed; a longer one is skipped without being held in memory. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Options of {@link createReplaySource}. */
export interface ReplayOptions {
  /** Reports a skipped line, e.g. `events.jsonl:12: not JSON: ...`. */
  warn?: (line: string) => void;
  /** Names the input in warnings; default `input`. */
  label?: string;
  /** The longest line kept, in bytes. @default {MAX_LINE_BYTES} */
  maxLineBytes?: number;
}

/** Paths that name sluice's own standard input (Deno opens them only with --allow-all). */
const STDIN_NAMES = new Set(["-", "/dev/stdin", "/proc/self/fd/0", "/dev/fd/0"]);

/** True when `path` means sluice's standard input. */
export function isStdin(path: string): boolean {
  return STDIN_NAMES.has(path);
}

/** Why a line is skipped, or the event it holds; `line` is its text, or its length when it was too long. */
function parseLine(line: string | number, maxLineBytes: number): Event | string {
  if (typeof line === "number") return `${line} bytes long, more than the ${maxLineBytes} a line may have`;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  return eventProblem(value) ?? (value as Event);
}

/** True for a line of nothing but whitespace (a blank line is not an event, nor a problem). */
function blank(line: string | number): boolean {
  return typeof line === "string" && line.trim() === "";
}

/** Replays events from `input`, a byte stream of JSON lines. */
export function createReplaySource(
  input: ReadableStream<Uint8Array>,
  options: ReplayOptions = {},
): EventSource {
  const label = options.label ?? "input";
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  const stopping = new AbortController();
  let skipped = 0;
  let replayed = 0;

  async function* batches(): AsyncGenerator<Event[]> {
    const lines = readLines(input, { maxLineBytes, signal: stopping.signal });
    for await (const { first, lines: chunk } of lines) {
      const batch: Event[] = [];
      for (let i = 0; i < chunk.length; i++) {
        const line = chunk[i];
        if (blank(line)) continue;
        const parsed = parseLine(line, maxLineBytes);
        if (typeof parsed !== "string") {
          batch.push(parsed);
          continue;
        }
        skipped++;
        options.warn?.(`${label}:${first + i}: ${parsed}; line skipped`);
      }
      if (batch.length > 0) {
        replayed += batch.length;
        yield batch;
      }
    }
  }

  return {
    batches,
    stop: () => stopping.abort(),
    stats: () => ({ "replayed events": replayed, "skipped lines": skipped }),
  };
}

/** Replays the JSON-lines file, named pipe or device at `path`, or standard input (`-`, `/dev/stdin`). */
export async function openReplaySource(path: string, options: ReplayOptions = {}): Promise<EventSource> {
  const input = isStdin(path) ? Deno.stdin.readable : (await Deno.open(path, { read: true })).readable;
  return createReplaySource(input, { label: isStdin(path) ? "stdin" : path, ...options });
}

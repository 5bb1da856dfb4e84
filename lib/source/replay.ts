/**
 * The replay source: Tracee JSON-lines events from a file, stdin or any byte stream.
 *
 * One batch per chunk read. A line that is not a Tracee event is reported with its
 * line number, counted and skipped: a damaged recording never stops a replay.
 *
 * @module
 */

import type { Event } from "../events/event.ts";
import type { EventSource } from "./source.ts";

/** Options of {@link createReplaySource}. */
export interface ReplayOptions {
  /** Reports a skipped line, e.g. `events.jsonl:12: not JSON: ...`. */
  warn?: (line: string) => void;
  /** Names the input in warnings; default `input`. */
  label?: string;
}

/** Why a parsed line is not an event, or `undefined` when it is one. */
export function eventProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON object";
  const event = value as Record<string, unknown>;
  if (typeof event.name !== "string" || event.name === "") {
    return "eventName" in event
      ? "Tracee's older flat event shape (eventName) is not supported: record with the current json format"
      : 'no "name"';
  }
  if (typeof event.timestamp !== "string") return 'no "timestamp" string';
  if (typeof event.id !== "number") return 'no numeric "id"';
  return undefined;
}

/** Replays events from `input`, a byte stream of JSON lines. */
export function createReplaySource(
  input: ReadableStream<Uint8Array>,
  options: ReplayOptions = {},
): EventSource {
  const label = options.label ?? "input";
  let stopped = false;
  let reader: ReadableStreamDefaultReader<string> | undefined;
  let lineNumber = 0;
  let malformed = 0;
  let replayed = 0;

  const parse = (line: string, batch: Event[]) => {
    lineNumber++;
    if (line.length === 0 || line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      malformed++;
      options.warn?.(`${label}:${lineNumber}: not JSON (${(error as Error).message}); line skipped`);
      return;
    }
    const problem = eventProblem(value);
    if (problem !== undefined) {
      malformed++;
      options.warn?.(`${label}:${lineNumber}: ${problem}; line skipped`);
      return;
    }
    batch.push(value as Event);
  };

  async function* batches(): AsyncGenerator<Event[]> {
    reader = input.pipeThrough(new TextDecoderStream()).getReader();
    let rest = "";
    try {
      while (!stopped) {
        const { value, done } = await reader.read();
        if (done) break;
        const batch: Event[] = [];
        let start = 0;
        let end = value.indexOf("\n");
        if (end >= 0) {
          parse(rest + value.slice(0, end), batch);
          rest = "";
          start = end + 1;
          while ((end = value.indexOf("\n", start)) >= 0) {
            parse(value.slice(start, end), batch);
            start = end + 1;
          }
        }
        rest += value.slice(start);
        if (batch.length > 0) {
          replayed += batch.length;
          yield batch;
        }
      }
      if (!stopped && rest !== "") {
        const batch: Event[] = [];
        parse(rest, batch);
        if (batch.length > 0) {
          replayed += batch.length;
          yield batch;
        }
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
  }

  return {
    batches,
    stop() {
      stopped = true;
      reader?.cancel().catch(() => {});
    },
    stats: () => ({ "replayed events": replayed, "skipped lines": malformed }),
  };
}

/** Replays the JSON-lines file at `path`, or standard input when `path` is `-`. */
export async function openReplaySource(path: string, options: ReplayOptions = {}): Promise<EventSource> {
  const input = path === "-" ? Deno.stdin.readable : (await Deno.open(path, { read: true })).readable;
  return createReplaySource(input, { label: path === "-" ? "stdin" : path, ...options });
}

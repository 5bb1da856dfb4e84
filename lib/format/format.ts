/**
 * The formatter contract: a pure function from one event to one line of text, and what a
 * destination does when formatting one event fails.
 *
 * @module
 */

import type { Event } from "../events/event.ts";
import type { JsonBytes } from "./json_bytes.ts";

/** Turns events into text; pure, no I/O. */
export interface Formatter {
  /** Printed once before the first event (the table's column titles), if any. */
  header?: string;
  /**
   * One event as text, without a trailing newline. Throws {@link FormatError} when this one
   * event cannot be formatted (a template's runtime error); other events are unaffected.
   */
  format(event: Event): string;
  /**
   * Optional: appends the same line as {@link Formatter.format} and a newline to `out`, without
   * building the string (the json format); throws as `format` does, leaving `out` as it was.
   */
  writeLine?(event: Event, out: JsonBytes): void;
}

/** One event could not be formatted: the destination counts it as failed and goes on. */
export class FormatError extends Error {}

/** A batch's lines, and the events left out because their formatting failed. */
export interface FormattedBatch {
  /** One line per event that formatted, in order. */
  lines: string[];
  /** The events the lines are of: `events[i]` is the event of `lines[i]`. */
  events: Event[];
  /** The events whose formatting failed, in order: the destination counts them as failed. */
  failed: Event[];
  /** Why: `failures[i]` is the error of `failed[i]`. */
  failures: FormatError[];
}

/** Formats every event of `events`; an event whose formatting fails is left out and its error kept. */
export function formatBatch(formatter: Formatter, events: readonly Event[]): FormattedBatch {
  const batch: FormattedBatch = { lines: [], events: [], failed: [], failures: [] };
  for (const event of events) {
    try {
      batch.lines.push(formatter.format(event));
      batch.events.push(event);
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      batch.failed.push(event);
      batch.failures.push(error);
    }
  }
  return batch;
}

/**
 * A reporter of format failures for one destination: the first is printed through `warn`
 * with the reason, the later ones only counted (the exit summary has the total).
 */
export function formatFailureReporter(
  name: string,
  warn: (line: string) => void,
): (failures: FormatError[]) => void {
  let reported = false;
  return (failures) => {
    if (failures.length === 0 || reported) return;
    reported = true;
    warn(
      `destination ${name}: an event could not be formatted and is counted as failed: ${
        failures[0].message
      }` +
        " (later failures are counted, not printed)",
    );
  };
}

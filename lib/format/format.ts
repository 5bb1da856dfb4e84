/**
 * The formatter contract: a pure function from one event to one line of text.
 *
 * @module
 */

import type { Event } from "../events/event.ts";

/** Turns events into text; pure, no I/O. */
export interface Formatter {
  /** Printed once before the first event (the table's column titles), if any. */
  header?: string;
  /** One event as text, without a trailing newline. */
  format(event: Event): string;
}

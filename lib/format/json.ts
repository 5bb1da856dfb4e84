/**
 * The `json` format: Tracee's v1beta1 event JSON, one object a line.
 *
 * @module
 */

import type { Event } from "../events/event.ts";
import type { Formatter } from "./format.ts";

/** Formats an event as one line of Tracee event JSON. */
export function formatJson(event: Event): string {
  return JSON.stringify(event);
}

/** The `json` formatter. */
export const jsonFormatter: Formatter = { format: formatJson };

/**
 * The `json` format: Tracee's v1beta1 event JSON, one object a line, laid out as Tracee's
 * marshaller writes it (key order and always-written keys: {@link traceeOrder}).
 *
 * The workload part is most of each line, and the kernel source gives consecutive events
 * of one thread the same (read-only) workload object; its JSON text is kept for as long as
 * the object lives and spliced into the rest of the event, so a burst from one thread
 * pays for it once.
 *
 * @module
 */

import type { Event, EventWorkload } from "../events/event.ts";
import type { Formatter } from "./format.ts";
import { traceeOrder, WORKLOAD_LAYOUT } from "./json_order.ts";
import { goFloat } from "./go_float.ts";

let previous: EventWorkload | undefined;
const workloadText = new WeakMap<EventWorkload, string>();
const PLACEHOLDER = '"workload":0';

/**
 * The workload's JSON once it has been met twice in a row (a shared object), else
 * `undefined`. Remembering only the previous workload keeps replayed events, whose
 * workloads are all distinct, from filling a cache.
 */
function sharedWorkloadJson(workload: EventWorkload): string | undefined {
  const text = workloadText.get(workload);
  if (text !== undefined) return text;
  if (workload !== previous) {
    previous = workload;
    return undefined;
  }
  const fresh = JSON.stringify(traceeOrder(workload as Record<string, unknown>, WORKLOAD_LAYOUT));
  workloadText.set(workload, fresh);
  return fresh;
}

/** True when `at` in the JSON text `text` lies directly inside the outermost object (not in a string or nested value). */
export function atTopLevel(text: string, at: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < at; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
  }
  return depth === 1 && !inString;
}

// A timespec field as JSON.stringify writes it. Only structure matches: in a string's JSON text
// every quote is escaped.
const TIMESPEC_VALUE = /"timespec":\{"value":([^}]*)\}/g;

/** Tracee writes a timespec's seconds with Go's `%g` (`1.7e+09`), where JSON.stringify writes `1700000000`. */
function goTimespecs(event: Event, text: string): string {
  if (event.data === undefined || !event.data.some((field) => field.timespec !== undefined)) return text;
  return text.replace(TIMESPEC_VALUE, (_, value: string) => `"timespec":{"value":${goFloat(Number(value))}}`);
}

/**
 * Formats an event as one line of Tracee event JSON: `JSON.stringify` of the event in
 * Tracee's layout, with timespecs as Go writes them. Events must not change once formatted,
 * which every source guarantees.
 */
export function formatJson(event: Event): string {
  return goTimespecs(event, layoutJson(event));
}

function layoutJson(event: Event): string {
  const workload = event.workload;
  const cached = workload === undefined ? undefined : sharedWorkloadJson(workload);
  if (cached === undefined) return JSON.stringify(traceeOrder(event));
  const text = JSON.stringify(traceeOrder({ ...event, workload: 0 }));
  const at = text.indexOf(PLACEHOLDER);
  if (!atTopLevel(text, at)) return JSON.stringify(traceeOrder(event));
  return text.slice(0, at + PLACEHOLDER.length - 1) + cached + text.slice(at + PLACEHOLDER.length);
}

/** The `json` formatter; destinations that write bytes use its byte path (json_bytes.ts). */
export const jsonFormatter: Formatter = {
  format: formatJson,
  writeLine: (event, out) => out.writeLine(event),
};

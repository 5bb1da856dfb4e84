/**
 * The `json` format: Tracee's v1beta1 event JSON, one object a line.
 *
 * The workload part is most of each line, and the kernel source gives consecutive events
 * of one thread the same (read-only) workload object; its JSON text is kept for as long as
 * the object lives, so a burst from one thread pays for it once.
 *
 * @module
 */

import type { Event, EventWorkload } from "../events/event.ts";
import type { Formatter } from "./format.ts";

const seen = new WeakSet<EventWorkload>();
const workloadText = new WeakMap<EventWorkload, string>();

/** The workload's JSON once it has been met a second time (a shared object), else `undefined`. */
function sharedWorkloadJson(workload: EventWorkload): string | undefined {
  const text = workloadText.get(workload);
  if (text !== undefined) return text;
  if (!seen.has(workload)) {
    seen.add(workload);
    return undefined;
  }
  const fresh = JSON.stringify(workload);
  workloadText.set(workload, fresh);
  return fresh;
}

/**
 * Formats an event as one line of Tracee event JSON: exactly `JSON.stringify(event)`.
 * Events must not change once formatted, which every source guarantees.
 */
export function formatJson(event: Event): string {
  const workload = event.workload;
  const cached = workload === undefined ? undefined : sharedWorkloadJson(workload);
  if (cached === undefined) return JSON.stringify(event);
  let out = "";
  for (const key in event) {
    const text = key === "workload" ? cached : JSON.stringify(event[key]);
    if (text === undefined) continue;
    out += (out === "" ? "{" : ",") + JSON.stringify(key) + ":" + text;
  }
  return out + "}";
}

/** The `json` formatter. */
export const jsonFormatter: Formatter = { format: formatJson };

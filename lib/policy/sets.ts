/**
 * Tracee's `tag=SET[,SET]` selection (in `--events` and in a policy rule's `event`): the events
 * of Tracee's sets that sluice can trace, and, per set, those it leaves out.
 *
 * @module
 */

import { eventsInSet, isTraceable } from "../events/catalog.ts";

/** What a `tag=` selection gives. */
export interface TagSelection {
  /** The events selected, in set then id order, each once. */
  events: string[];
  /** Per set, the events sluice cannot trace and so left out, and the set's size. */
  leftOut: { set: string; events: string[]; of: number }[];
}

/** The selection `text` (`tag=fs,net`) makes, or a problem naming what is wrong with it. */
export function tagSelection(text: string): TagSelection | string {
  if (!text.startsWith("tag=") || /[=!<>]/.test(text.slice(4))) return "expected tag=SET or tag=SET,SET";
  const events = new Set<string>();
  const leftOut: TagSelection["leftOut"] = [];
  for (const set of text.slice(4).split(",").map((s) => s.trim())) {
    if (set === "") return "has an empty set name";
    const members = eventsInSet(set).filter((e) => !e.internal);
    if (members.length === 0) return `unknown set "${set}"`;
    for (const event of members) if (isTraceable(event)) events.add(event.name);
    const untraceable = members.filter((e) => !isTraceable(e)).map((e) => e.name);
    if (untraceable.length > 0) leftOut.push({ set, events: untraceable, of: members.length });
  }
  return { events: [...events], leftOut };
}

/** The notice line for events a selection left out. */
export function leftOutNotice(where: string, left: TagSelection["leftOut"][number]): string {
  return `${where}: sluice cannot trace ${left.events.length} of the ${left.of} events of ${left.set}, ` +
    `left out: ${left.events.join(", ")} (sluice list says why)`;
}

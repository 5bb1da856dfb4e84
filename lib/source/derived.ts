/**
 * Events Tracee makes in user space from kernel events, made the same way: container_create from a
 * cgroup_mkdir of a container's own cgroup, container_remove from its cgroup_rmdir (on cgroup v1,
 * only in the cpuset hierarchy, as Tracee). What Tracee learns from the container runtime (image,
 * name, pod) sluice does not ask for: those fields are zero-filled.
 *
 * @module
 */

import { eventByName, type EventDefinition } from "../events/catalog.ts";
import { DERIVED_EVENTS } from "../events/support.ts";
import { type DataField, type Event, findData } from "../events/event.ts";
import { zeroField } from "../events/values.ts";
import { containerOfCgroupPath } from "./cgroup_path.ts";

/** The kernel events `events` needs traced: the events themselves, the derived ones by what they come from. */
export function kernelEventsFor(events: ReadonlySet<string>): Set<string> {
  const kernel = new Set<string>();
  for (const name of events) for (const from of DERIVED_EVENTS[name] ?? [name]) kernel.add(from);
  return kernel;
}

/** Options of {@link deriver}. */
export interface DeriverOptions {
  /** The cgroup hierarchy containers are found in: cpuset's on cgroup v1, 0 on cgroup v2. */
  hierarchy: number;
}

function derivedEvent(definition: EventDefinition, from: Event, values: Record<string, DataField>): Event {
  const event: Event = {
    timestamp: from.timestamp,
    id: definition.id,
    name: definition.name,
    workload: from.workload,
    data: definition.fields.map((f) => values[f.name] ?? zeroField(f)),
  };
  return event;
}

/** Epoch nanoseconds of an RFC 3339 timestamp with up to nine fraction digits. */
function epochNs(timestamp: string): string {
  const dot = timestamp.indexOf(".");
  const seconds = BigInt(Date.parse(dot < 0 ? timestamp : timestamp.slice(0, dot) + "Z") / 1000);
  const fraction = dot < 0 ? "" : timestamp.slice(dot + 1, -1);
  return String(seconds * 1_000_000_000n + BigInt(fraction.padEnd(9, "0")));
}

/**
 * A step that returns each batch with the derived events `wanted` names added after the events
 * they come from, and without the events that were traced only to derive others.
 */
export function deriver(wanted: ReadonlySet<string>, options: DeriverOptions): (batch: Event[]) => Event[] {
  const create = eventByName("container_create")!;
  const remove = eventByName("container_remove")!;
  const derives = wanted.has(create.name) || wanted.has(remove.name);
  if (!derives) return (batch) => batch;
  const derive = (event: Event): Event | undefined => {
    const mkdir = event.name === "cgroup_mkdir";
    if (!mkdir && event.name !== "cgroup_rmdir") return undefined;
    if (findData(event, "hierarchy_id") !== options.hierarchy) return undefined;
    const container = containerOfCgroupPath(String(findData(event, "cgroup_path")));
    if (container === undefined || !container.root) return undefined;
    const values: Record<string, DataField> = {
      runtime: { name: "runtime", str: container.runtime },
      container_id: { name: "container_id", str: container.id },
    };
    if (!mkdir) return wanted.has(remove.name) ? derivedEvent(remove, event, values) : undefined;
    values.ctime = { name: "ctime", u_int64: epochNs(event.timestamp) };
    return wanted.has(create.name) ? derivedEvent(create, event, values) : undefined;
  };
  return (batch) => {
    const out: Event[] = [];
    for (const event of batch) {
      if (wanted.has(event.name)) out.push(event);
      const derived = derive(event);
      if (derived !== undefined) out.push(derived);
    }
    return out;
  };
}

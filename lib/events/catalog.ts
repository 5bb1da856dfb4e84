/**
 * The events sluice knows: every event of Tracee's catalog (lib/events/tracee_events.ts, generated
 * from Tracee's source) with its v1beta1 id, sets, data fields and probes, and whether sluice can
 * trace it (lib/events/support.ts). Config and policy validation check names against it; sources
 * and formats read field types from it.
 *
 * @module
 */

import { type FieldDefinition, parseField } from "./field_types.ts";
import { DERIVED_EVENTS, KERNEL_EVENTS } from "./support.ts";
import { TRACEE_DETECTORS, TRACEE_EVENTS } from "./tracee_events.ts";
import {
  type Probe,
  PROBE_KINDS,
  type ProbeKind,
  type Support,
  supportOf,
  tracepointsNeeded as needed,
} from "./support_of.ts";

export type { DataType, Decode, FieldDefinition } from "./field_types.ts";
export { dataTypeOf } from "./field_types.ts";
export type { Probe, ProbeKind, Support };
export { TRACEE_COMMIT } from "./tracee_events.ts";

/** An event of Tracee's catalog. */
export interface EventDefinition {
  /** The v1beta1 EventId (api/v1beta1/event.proto): what the JSON `id` carries (execve 60). */
  id: number;
  name: string;
  /** The x86_64 syscall number of a syscall event (read is 0: test `!== undefined`). */
  syscall?: number;
  /** Tracee's sets the event belongs to, `default` included where Tracee has it. */
  sets: readonly string[];
  /** Tracee's fields in order; a syscall event ends with `returnValue`. */
  fields: readonly FieldDefinition[];
  /** Whether sluice can trace it, and how. */
  support: Support;
  /** The events Tracee makes it from. */
  dependsOn: readonly string[];
  /** Every probe Tracee attaches for it, its dependencies' included. */
  probes: readonly Probe[];
  /** Tracee keeps it to itself: not listed, not selectable by users. */
  internal: boolean;
}

const words = (text: string): string[] => text === "" ? [] : text.split(" ");

function parseProbe(text: string): Probe {
  const optional = text.endsWith("?");
  const body = optional ? text.slice(0, -1) : text;
  const slash = body.indexOf("/");
  const kind = body.slice(0, slash);
  if (!(PROBE_KINDS as readonly string[]).includes(kind)) {
    throw new Error(`probe ${text}: unknown kind ${kind}`);
  }
  return { kind: kind as ProbeKind, target: body.slice(slash + 1), required: !optional };
}

type Base = Omit<EventDefinition, "support">;

const bases: Base[] = TRACEE_EVENTS.map(([id, name, syscall, sets, fields, dependsOn, probes, internal]) => ({
  id,
  name,
  ...(syscall === null ? {} : { syscall }),
  sets: words(sets),
  fields: words(fields).map(parseField),
  dependsOn: words(dependsOn),
  probes: words(probes).map(parseProbe),
  internal: internal === true,
}));
const baseByName = new Map(bases.map((b) => [b.name, b]));
for (
  const name of [...KERNEL_EVENTS, ...Object.keys(DERIVED_EVENTS), ...Object.values(DERIVED_EVENTS).flat()]
) {
  if (!baseByName.has(name)) {
    throw new Error(`support.ts names ${name}, which Tracee's catalog does not have`);
  }
}
const supports = new Map<string, Support>();

function supportByName(name: string): Support {
  let support = supports.get(name);
  if (support === undefined) {
    support = supportOf(baseByName.get(name)!, {
      kernel: KERNEL_EVENTS,
      derived: DERIVED_EVENTS,
      supportOf: supportByName,
    });
    supports.set(name, support);
  }
  return support;
}

/** Every event of Tracee's catalog, in v1beta1 id order. */
export const EVENTS: readonly EventDefinition[] = bases.map((b) => ({
  ...b,
  support: supportByName(b.name),
}));

const byName = new Map(EVENTS.map((e) => [e.name, e]));
const byId = new Map(EVENTS.map((e) => [e.id, e]));
const bySet = new Map<string, EventDefinition[]>();
for (const event of EVENTS) {
  for (const set of event.sets) {
    const members = bySet.get(set);
    if (members === undefined) bySet.set(set, [event]);
    else members.push(event);
  }
}

/** The definition of the event called `name`, or `undefined` when the catalog has none. */
export function eventByName(name: string): EventDefinition | undefined {
  return byName.get(name);
}

/** The definition of the event whose v1beta1 id is `id`, or `undefined`. */
export function eventById(id: number): EventDefinition | undefined {
  return byId.get(id);
}

/** The names users may select (every event but Tracee's internal ones), sorted. */
export function eventNames(): string[] {
  return EVENTS.filter((e) => !e.internal).map((e) => e.name).sort();
}

/** True when sluice can trace `definition`. */
export function isTraceable(definition: EventDefinition): boolean {
  return definition.support.kind !== "unsupported";
}

/** Tracee's set names (`fs`, `net`, `proc`, `default`, ...), sorted. */
export function setNames(): string[] {
  return [...bySet.keys()].sort();
}

/** The events of Tracee's set `name`, traceable or not, in id order; empty for an unknown set. */
export function eventsInSet(name: string): readonly EventDefinition[] {
  return bySet.get(name) ?? [];
}

/**
 * What sluice traces without `-e` and without policies: Tracee's `default` set, restricted to the
 * events sluice can trace.
 */
export const DEFAULT_EVENTS: readonly string[] = eventsInSet("default")
  .filter((e) => isTraceable(e) && !e.internal)
  .map((e) => e.name);

/**
 * For an event sluice cannot trace yet, the tracepoints (`sched:sched_switch`) it needs when
 * tracepoints alone would do (empty when Tracee makes it in user space); `undefined` when sluice
 * traces it already, it needs another kind of probe too, or it is out of reach (internal, 32-bit).
 */
export function tracepointsNeeded(definition: EventDefinition): readonly string[] | undefined {
  return needed(definition, definition.support);
}

/** An event one of Tracee's detectors produces. sluice runs no detectors: it never traces one. */
export interface DetectorDefinition {
  name: string;
  /** The detector's id, e.g. `TRC-102`. */
  detector: string;
  /** The events the detector reads. */
  reads: readonly string[];
}

/** The events of Tracee's detectors (its signatures), by name. */
export const DETECTORS: readonly DetectorDefinition[] = TRACEE_DETECTORS.map(([name, detector, reads]) => ({
  name,
  detector,
  reads: words(reads),
}));
const detectorsByName = new Map(DETECTORS.map((d) => [d.name, d]));

/** The detector event called `name`, or `undefined`. */
export function detectorByName(name: string): DetectorDefinition | undefined {
  return detectorsByName.get(name);
}

/**
 * Why the event `name` cannot be selected for tracing (unknown, a set's name, a detector's event, or
 * an event sluice cannot trace, with the reason), or `undefined` when it can.
 */
export function selectionProblem(name: string): string | undefined {
  const definition = byName.get(name);
  const detector = detectorsByName.get(name);
  if (detector !== undefined) {
    return `sluice cannot trace ${name}: Tracee's detector ${detector.detector} makes it from ` +
      `${detector.reads.join(", ")}, and sluice runs no detectors`;
  }
  if (definition === undefined) {
    return bySet.has(name)
      ? `unknown event "${name}": ${name} is a set of events (select its events with tag=${name})`
      : `unknown event "${name}"`;
  }
  if (definition.support.kind === "unsupported") {
    return `sluice cannot trace ${name}: ${definition.support.reason}`;
  }
  return undefined;
}

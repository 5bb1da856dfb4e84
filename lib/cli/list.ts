/**
 * `sluice list` (Tracee's `tracee list events`): every event of Tracee's catalog that a user
 * may select, with its id, sets, data fields and their types, and whether sluice traces it
 * (and why not, where it cannot); then the events of Tracee's detectors, which sluice never
 * traces. As a text table, or as JSON with Tracee's EventInfo names.
 *
 * @module
 */

import { type DetectorDefinition, type EventDefinition, isTraceable } from "../events/catalog.ts";

/** One event as `sluice list --json` prints it: Tracee's EventInfo keys, and sluice's `traced`/`reason`. */
export interface EventListing {
  name: string;
  /** The v1beta1 id (absent for a detector's event: Tracee numbers those when it loads its detectors). */
  id?: number;
  /** Tracee's sets (its `tags`). */
  tags: string[];
  type: "syscall" | "detector" | "other";
  /** `TYPE NAME` per data field, with Tracee's Go types, as Tracee lists them. */
  arguments: string[];
  /** Each data field with the JSON type key its value is written under. */
  fields: { name: string; type: string }[];
  /** Whether sluice can trace it. */
  traced: boolean;
  /** Why sluice cannot trace it. */
  reason?: string;
}

/** The listing of one event definition. */
export function eventListing(definition: EventDefinition): EventListing {
  const support = definition.support;
  return {
    name: definition.name,
    id: definition.id,
    tags: [...definition.sets],
    type: definition.syscall !== undefined ? "syscall" : "other",
    arguments: definition.fields.map((field) => `${field.cType} ${field.name}`),
    fields: definition.fields.map((field) => ({ name: field.name, type: field.type })),
    traced: isTraceable(definition),
    ...(support.kind === "unsupported" ? { reason: support.reason } : {}),
  };
}

/** The listing of a detector's event: never traced, with the detector that makes it. */
export function detectorListing(detector: DetectorDefinition): EventListing {
  return {
    name: detector.name,
    tags: ["signatures"],
    type: "detector",
    arguments: [],
    fields: [],
    traced: false,
    reason: `Tracee's detector ${detector.detector} makes it from ${
      detector.reads.join(", ")
    }; sluice runs no detectors`,
  };
}

/** What `sluice list` shows: the selectable events, in id order, then the detectors' events. */
export function listings(
  events: readonly EventDefinition[],
  detectors: readonly DetectorDefinition[],
): EventListing[] {
  return [...events.filter((e) => !e.internal).map(eventListing), ...detectors.map(detectorListing)];
}

/** The listings as indented JSON, one array. */
export function listJson(rows: readonly EventListing[]): string {
  return JSON.stringify(rows, null, 2);
}

/** The listings as a text table: id, name, sets, fields; an untraced event says why on its own line. */
export function listTable(rows: readonly EventListing[]): string {
  const idOf = (row: EventListing) => row.id === undefined ? "-" : String(row.id);
  const idWidth = Math.max(2, ...rows.map((row) => idOf(row).length));
  const nameWidth = Math.max(5, ...rows.map((row) => row.name.length));
  const setsWidth = Math.max(4, ...rows.map((row) => row.tags.join(",").length));
  const line = (id: string, name: string, sets: string, fields: string) =>
    `${id.padEnd(idWidth)}  ${name.padEnd(nameWidth)}  ${sets.padEnd(setsWidth)}  ${fields}`.trimEnd();
  const traced = rows.filter((row) => row.traced).length;
  return [
    `${traced} of ${rows.length} events can be traced by sluice; the others say why.`,
    line("ID", "EVENT", "SETS", "FIELDS"),
    ...rows.flatMap((row) => [
      line(idOf(row), row.name, row.tags.join(","), row.arguments.join(", ")),
      ...(row.traced ? [] : [`${" ".repeat(idWidth + 2)}not traced: ${row.reason}`]),
    ]),
  ].join("\n");
}

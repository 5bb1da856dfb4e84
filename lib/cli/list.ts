/**
 * `sluice list` (Tracee's `tracee list events`): every event sluice knows, with its id and
 * data fields and their types, as a table or as JSON.
 *
 * @module
 */

import type { EventDefinition } from "../events/catalog.ts";

/** One event as `sluice list --json` prints it. */
export interface EventListing {
  name: string;
  id: number;
  type: "syscall" | "other";
  /** `TYPE NAME` per data field, as Tracee lists them. */
  arguments: string[];
}

/** The listing of one definition. */
export function eventListing(definition: EventDefinition): EventListing {
  return {
    name: definition.name,
    id: definition.id,
    type: definition.syscall ? "syscall" : "other",
    arguments: definition.fields.map((field) => `${field.type} ${field.name}`),
  };
}

/** The events as indented JSON, one array. */
export function listJson(definitions: readonly EventDefinition[]): string {
  return JSON.stringify(definitions.map(eventListing), null, 2);
}

/** The events as a text table: id, name, fields. */
export function listTable(definitions: readonly EventDefinition[]): string {
  const rows = definitions.map(eventListing);
  const idWidth = Math.max(2, ...rows.map((row) => String(row.id).length));
  const nameWidth = Math.max(5, ...rows.map((row) => row.name.length));
  const line = (id: string, name: string, fields: string) =>
    `${id.padEnd(idWidth)}  ${name.padEnd(nameWidth)}  ${fields}`.trimEnd();
  return [
    line("ID", "EVENT", "FIELDS"),
    ...rows.map((row) => line(String(row.id), row.name, row.arguments.join(", "))),
  ].join("\n");
}

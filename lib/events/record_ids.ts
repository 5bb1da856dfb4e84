/**
 * The event ids the kernel side writes into records and keys its `enabled` map with (bpf/record.h):
 * a syscall event's x86_64 syscall number, and Tracee's old internal ids for the events sluice has
 * its own programs for. They are not the v1beta1 ids events carry, and those programs number their
 * data fields in an older order than Tracee's: this is the one place that translates.
 *
 * @module
 */

import { eventByName, type EventDefinition, EVENTS, type FieldDefinition } from "./catalog.ts";

/** Record ids of the non-syscall events (`EVENT_*` in bpf/record.h). */
const KERNEL_RECORD_IDS: Record<string, number> = {
  sched_process_fork: 714,
  sched_process_exec: 715,
  sched_process_exit: 716,
  net_tcp_connect: 2016,
};

/** The data fields of the kernel's own records, by the index the kernel writes (bpf/sluice.bpf.c). */
const RECORD_FIELDS: Record<string, readonly string[]> = {
  sched_process_fork: [
    "parent_tid",
    "parent_ns_tid",
    "parent_pid",
    "parent_ns_pid",
    "child_tid",
    "child_ns_tid",
    "child_pid",
    "child_ns_pid",
    "start_time",
  ],
  sched_process_exec: [
    "cmdpath",
    "pathname",
    "dev",
    "inode",
    "ctime",
    "inode_mode",
    "interpreter_pathname",
    "argv",
    "interp",
    "prev_comm",
  ],
  sched_process_exit: ["exit_code", "process_group_exit"],
};

const byRecordId: (EventDefinition | undefined)[] = [];
for (const definition of EVENTS) {
  if (definition.syscall !== undefined) byRecordId[definition.syscall] = definition;
}
for (const [name, id] of Object.entries(KERNEL_RECORD_IDS)) byRecordId[id] = eventByName(name);

/** The definition of the event a kernel record with event id `id` carries, or `undefined`. */
export function eventByRecordId(id: number): EventDefinition | undefined {
  return byRecordId[id];
}

/** The id the kernel side knows `definition` by, or `undefined` when it has no program for it. */
export function recordIdOf(definition: EventDefinition): number | undefined {
  return definition.syscall ?? KERNEL_RECORD_IDS[definition.name];
}

const recordFieldsOf = new Map<EventDefinition, readonly FieldDefinition[]>();
for (const [name, fields] of Object.entries(RECORD_FIELDS)) {
  const definition = eventByName(name)!;
  recordFieldsOf.set(definition, fields.map((field) => definition.fields.find((f) => f.name === field)!));
}

/** The fields of `definition` by the index the kernel's records give them. */
export function recordFields(definition: EventDefinition): readonly FieldDefinition[] {
  return recordFieldsOf.get(definition) ?? definition.fields;
}

/**
 * The event ids the kernel side writes into records and keys its `enabled` map with (bpf/record.h):
 * a syscall event's x86_64 syscall number, and Tracee's old internal ids for the events sluice has
 * its own programs for. They are not the v1beta1 ids events carry: this is the one place that
 * translates between the two.
 *
 * @module
 */

import { eventByName, type EventDefinition, EVENTS } from "./catalog.ts";

/** Record ids of the non-syscall events (`EVENT_*` in bpf/record.h). */
const KERNEL_RECORD_IDS: Record<string, number> = {
  sched_process_fork: 714,
  sched_process_exec: 715,
  sched_process_exit: 716,
  net_tcp_connect: 2016,
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

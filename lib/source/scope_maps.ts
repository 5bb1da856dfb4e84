/**
 * Writes the policies' kernel filter (lib/policy/kernel_filter.ts) into the maps of
 * bpf/filter.h before the programs are attached.
 *
 * Records of an event that only feeds a derived event (cgroup_mkdir for container_create) or
 * process tracking (fork, exec, exit) are always submitted: their task is not the one the derived
 * event or the tracked process is about.
 *
 * @module
 */

import type { LoadedObject } from "../bpf/loader.ts";
import { EVENT_SCOPE, SCOPE_BITS, SCOPE_FILTER, SCOPE_VALUES_MAX } from "../bpf/layout.ts";
import type { EventDefinition } from "../events/catalog.ts";
import { recordIdOf } from "../events/decode.ts";
import { KERNEL_SCOPE_KINDS, type KernelFilter, type ScopeBits } from "../policy/kernel_filter.ts";
import { kernelEventsFor } from "./derived.ts";

/** Events process tracking needs from every task. */
const LIFECYCLE = new Set(["sched_process_fork", "sched_process_exec", "sched_process_exit"]);

/** What writing the filter did: `on`, or why it was left off (`notice`: the user should know). */
export type ScopeMapsResult = { on: true } | { on: false; reason: string; notice: boolean };

function u32Key(value: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

function commKey(value: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(16);
  for (let i = 0; i < value.length; i++) bytes[i] = value.charCodeAt(i);
  return bytes;
}

function bitsValue(bits: ScopeBits): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(SCOPE_BITS.size);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(SCOPE_BITS.offset.eq, bits.eq, true);
  view.setBigUint64(SCOPE_BITS.offset.ne, bits.ne, true);
  return bytes;
}

/** The traced events whose every record must be submitted. */
function alwaysSubmitted(requested: ReadonlySet<string>): Set<string> {
  const always = new Set(LIFECYCLE);
  for (const name of requested) {
    const sources = kernelEventsFor(new Set([name]));
    if (!sources.has(name)) { for (const source of sources) always.add(source); }
  }
  return always;
}

/**
 * Fills the filter's maps for the `traced` kernel events, `requested` being the events the
 * policies name, and turns the filter on; leaves it off when a kind lists more values than its
 * map holds.
 */
export function writeScopeMaps(
  object: LoadedObject,
  filter: KernelFilter,
  events: { traced: readonly EventDefinition[]; requested: ReadonlySet<string> },
): ScopeMapsResult {
  let kinds = 0;
  KERNEL_SCOPE_KINDS.forEach((kind, i) => {
    if (filter.values[kind].size > 0) kinds |= 1 << i;
  });
  if (kinds === 0) return { on: false, reason: "no scope the kernel can decide", notice: false };
  for (const kind of KERNEL_SCOPE_KINDS) {
    const count = filter.values[kind].size;
    if (count > SCOPE_VALUES_MAX) {
      return {
        on: false,
        reason: `the policies list ${count} ${kind} values (the kernel filter holds ${SCOPE_VALUES_MAX})`,
        notice: true,
      };
    }
  }
  const always = alwaysSubmitted(events.requested);
  const eventScopes = object.map("event_scopes");
  for (const definition of events.traced) {
    const value = new Uint8Array(EVENT_SCOPE.size);
    const view = new DataView(value.buffer);
    view.setBigUint64(EVENT_SCOPE.offset.policies, filter.policiesOf(definition.name), true);
    view.setUint32(EVENT_SCOPE.offset.always, always.has(definition.name) ? 1 : 0, true);
    object.update(eventScopes, u32Key(recordIdOf(definition)), value);
  }
  for (const kind of KERNEL_SCOPE_KINDS) {
    const map = object.map(`scope_${kind}`);
    for (const [value, bits] of filter.values[kind]) {
      const key = typeof value === "string" ? commKey(value) : u32Key(value);
      object.update(map, key, bitsValue(bits));
    }
  }
  const settings = new Uint8Array(SCOPE_FILTER.size);
  const view = new DataView(settings.buffer);
  for (const kind of KERNEL_SCOPE_KINDS) {
    view.setBigUint64(SCOPE_FILTER.offset[kind], filter.listed[kind], true);
  }
  view.setUint32(SCOPE_FILTER.offset.on, 1, true);
  view.setUint32(SCOPE_FILTER.offset.kinds, kinds, true);
  object.update(object.map("scope_filter"), u32Key(0), settings);
  return { on: true };
}

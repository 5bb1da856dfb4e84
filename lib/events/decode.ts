/**
 * Turns the kernel's records (lib/bpf/layout.ts) into Tracee v1beta1 events, and does nothing
 * else: no /proc, no process state (lib/source/process_tracker.ts follows it).
 *
 * Every field the event declares is written, zero-filled when the record has no value for it, as
 * Tracee does; the names of fields the kernel cut go in `truncated`. One synchronous pass per drain:
 * one TextDecoder, a cached timestamp prefix per second, one workload object shared by consecutive
 * events of a thread (events are read-only), and each executable path decoded once per id.
 *
 * @module
 */

import { type DataType, eventById, type EventDefinition, EVENTS } from "./catalog.ts";
import { EXE_FIELD, NO_SYSCALL, SYSCALL_ID_LIMIT, TASK_COMPAT, WIRE } from "../bpf/layout.ts";
import {
  type DataField,
  DECODED_FROM,
  type Event,
  type EventThread,
  type EventWorkload,
  KERNEL_CONTEXT,
  type KernelContext,
} from "./event.ts";
import { ipv4, ipv6, sockaddr } from "./address.ts";
import { FieldCursor, HEADER, HEADER_BYTES } from "./record.ts";
import { timeFormatter } from "./timestamp.ts";
import { field32, field64, int64Text, zeroField } from "./values.ts";

export { HEADER_BYTES };

/** The name `truncated` gives a cut executable path. */
export const EXECUTABLE_PATH = "executable.path";

const CACHE_LIMIT = 65536;
/** The header words a task's context is built from: from the thread's start time to the end. */
const KEY_FROM = HEADER.start_sec;
const KEY_WORDS = (HEADER_BYTES - KEY_FROM) / 4;

const bySyscall: (EventDefinition | undefined)[] = [];
for (const definition of EVENTS) {
  if (definition.syscall !== undefined) bySyscall[definition.syscall] = definition;
}

/** The definition of the event a record with event id `id` carries, or `undefined`. */
export function eventByRecordId(id: number): EventDefinition | undefined {
  return id < SYSCALL_ID_LIMIT ? bySyscall[id] : eventById(id);
}

/** The id the kernel writes for `definition`'s records: its syscall number, else its v1beta1 id. */
export function recordIdOf(definition: EventDefinition): number {
  return definition.syscall ?? definition.id;
}

/** x86_64 names of the syscalls a non-syscall event can happen in (the catalog's syscalls too). */
const SYSCALL_NAMES: Record<number, string> = {};
for (const definition of EVENTS) {
  if (definition.syscall !== undefined) SYSCALL_NAMES[definition.syscall] = definition.name;
}

/** A task's decoded context and the header words it was decoded from. */
interface CachedContext {
  key: Uint32Array;
  workload: EventWorkload;
  kernel: KernelContext;
}

function sameKey(key: Uint32Array, view: DataView, start: number): boolean {
  for (let i = 0; i < KEY_WORDS; i++) {
    if (key[i] !== view.getUint32(start + KEY_FROM + 4 * i, true)) return false;
  }
  return true;
}

function keyOf(view: DataView, start: number): Uint32Array {
  const key = new Uint32Array(KEY_WORDS);
  for (let i = 0; i < KEY_WORDS; i++) key[i] = view.getUint32(start + KEY_FROM + 4 * i, true);
  return key;
}

/** Decodes records of one kernel session; holds the clock offset and the caches. */
export class RecordDecoder {
  readonly #offsetNs: bigint;
  readonly #decoder = new TextDecoder();
  readonly #contexts = new Map<number, CachedContext>();
  readonly #executables = new Map<number, string>();
  readonly #cursor = new FieldCursor();
  readonly #time: (monoSec: number, monoNsec: number) => string;
  /** Thread start times seldom share a second with event times: each has its own cache. */
  readonly #startTime: (monoSec: number, monoNsec: number) => string;

  /** `offset` is wall clock minus CLOCK_MONOTONIC, as [seconds, nanoseconds]. */
  constructor(offset: [number, number]) {
    this.#offsetNs = BigInt(offset[0]) * 1_000_000_000n + BigInt(offset[1]);
    this.#time = timeFormatter(offset);
    this.#startTime = timeFormatter(offset);
  }

  /** The event in `bytes[start, start + length)`, or `undefined` for a record of an unknown event. */
  decode(view: DataView, bytes: Uint8Array, start: number, length: number): Event | undefined {
    if (length < HEADER_BYTES) return undefined;
    const definition = eventByRecordId(view.getUint32(start + HEADER.event_id, true));
    if (definition === undefined) return undefined;
    const fields = definition.fields;
    const data: DataField[] = new Array(fields.length);
    let truncated: string[] | undefined;
    let exeCut = false;
    const exeId = view.getUint32(start + HEADER.exe_id, true) +
      view.getUint32(start + HEADER.exe_id + 4, true) * 4294967296;
    const cursor = this.#cursor;
    cursor.reset(bytes, start, length);
    while (cursor.next()) {
      if (cursor.index === EXE_FIELD) {
        exeCut = cursor.cut;
        if (exeId !== 0 && !this.#executables.has(exeId)) {
          if (this.#executables.size >= CACHE_LIMIT) this.#executables.clear();
          this.#executables.set(exeId, this.#string(bytes, cursor.at, cursor.at + cursor.length));
        }
        continue;
      }
      const field = fields[cursor.index];
      if (field === undefined) continue;
      const value = this.#value(field.name, field.type, view, bytes, cursor);
      if (value !== undefined) data[cursor.index] = value;
      if (cursor.cut) (truncated ??= []).push(field.name);
    }
    if (definition.syscall !== undefined) {
      const last = fields.length - 1;
      data[last] = field64(
        fields[last].name,
        fields[last].type,
        int64Text(view, start + HEADER.retval, true),
      );
    }
    for (let i = 0; i < fields.length; i++) data[i] ??= zeroField(fields[i]);
    const context = this.#context(definition, view, bytes, start, exeId);
    const event: Event = {
      timestamp: this.#time(
        view.getUint32(start + HEADER.ts_sec, true),
        view.getUint32(start + HEADER.ts_nsec, true),
      ),
      id: definition.id,
      name: definition.name,
      // Holds its place in Tracee's key order for the policy stage to fill (JSON leaves it out until then).
      policies: undefined,
      workload: context.workload,
      data,
      [KERNEL_CONTEXT]: context.kernel,
      [DECODED_FROM]: definition,
    };
    if (exeCut) (truncated ??= []).unshift(EXECUTABLE_PATH);
    if (truncated !== undefined) event.truncated = truncated;
    return event;
  }

  /**
   * The workload of the record's task. Consecutive events of a thread share one (read-only) object
   * while the header words it is built from stay the same: most of a busy thread's events then
   * allocate nothing for their context.
   */
  #context(
    definition: EventDefinition,
    view: DataView,
    bytes: Uint8Array,
    start: number,
    exeId: number,
  ): CachedContext {
    const hostTid = view.getUint32(start + HEADER.host_tid, true);
    const cached = this.#contexts.get(hostTid);
    if (cached !== undefined && sameKey(cached.key, view, start)) return cached;
    const u32 = (member: string) => view.getUint32(start + HEADER[member], true);
    const cgroupId = u32("cgroup_id") + view.getUint32(start + HEADER.cgroup_id + 4, true) * 4294967296;
    const syscall = u32("syscall");
    const thread: EventThread = {
      start_time: this.#startTime(u32("start_sec"), u32("start_nsec")),
      name: this.#string(bytes, start + HEADER.comm, start + HEADER.comm + 16),
      unique_id: u32("thread_unique_id"),
      host_tid: hostTid,
      tid: u32("tid"),
    };
    const syscallName = definition.syscall !== undefined
      ? definition.name
      : syscall === NO_SYSCALL
      ? undefined
      : SYSCALL_NAMES[syscall];
    if (syscallName !== undefined) thread.syscall = syscallName;
    if (u32("task_flags") & TASK_COMPAT) thread.compat = true;
    const ancestors = [{ unique_id: u32("parent_unique_id"), host_pid: u32("host_ppid"), pid: u32("ppid") }];
    const executable = exeId === 0 ? undefined : this.#executables.get(exeId);
    // Two literals rather than a spread: executable comes first in Tracee's key order.
    const process = executable === undefined
      ? {
        unique_id: u32("process_unique_id"),
        host_pid: u32("host_pid"),
        pid: u32("pid"),
        real_user: { id: u32("uid") },
        thread,
        ancestors,
      }
      : {
        executable: { path: executable },
        unique_id: u32("process_unique_id"),
        host_pid: u32("host_pid"),
        pid: u32("pid"),
        real_user: { id: u32("uid") },
        thread,
        ancestors,
      };
    const entry: CachedContext = {
      key: keyOf(view, start),
      workload: { process },
      kernel: { cgroup_id: cgroupId, mount_ns: u32("mnt_ns"), pid_ns: u32("pid_ns") },
    };
    if (this.#contexts.size >= CACHE_LIMIT) this.#contexts.clear();
    this.#contexts.set(hostTid, entry);
    return entry;
  }

  #value(
    name: string,
    dataType: DataType,
    view: DataView,
    bytes: Uint8Array,
    c: FieldCursor,
  ): DataField | undefined {
    const at = c.at;
    switch (c.wire) {
      case WIRE.I32:
        return c.length === 4 ? field32(name, dataType, view.getInt32(at, true)) : undefined;
      case WIRE.U32:
        return c.length === 4 ? field32(name, dataType, view.getUint32(at, true)) : undefined;
      case WIRE.I64:
      case WIRE.U64:
        return c.length === 8 ? field64(name, dataType, int64Text(view, at, c.wire === WIRE.I64)) : undefined;
      case WIRE.BOOTTIME:
        return c.length === 8
          ? field64(name, dataType, String(view.getBigUint64(at, true) + this.#offsetNs))
          : undefined;
      case WIRE.BOOL:
        return c.length === 1 ? { name, bool: bytes[at] !== 0 } : undefined;
      case WIRE.STR:
        return { name, str: this.#string(bytes, at, at + c.length) };
      case WIRE.STR_ARRAY: {
        const value = this.#strings(bytes, at, at + c.length);
        // Tracee's mark of a string array that lost elements.
        if (c.cut) value.push("...");
        return { name, str_array: { value } };
      }
      case WIRE.SOCKADDR:
        return { name, sockaddr: sockaddr(view, bytes, at, c.length) };
      case WIRE.IP: {
        if (c.length !== 18) return undefined;
        const family = view.getUint16(at, true);
        return { name, str: family === 10 ? ipv6(bytes, at + 2) : ipv4(bytes, at + 2) };
      }
      case WIRE.TIMESPEC:
        return c.length === 16
          ? {
            name,
            timespec: {
              value: Number(view.getBigInt64(at, true)) + Number(view.getBigInt64(at + 8, true)) / 1e9,
            },
          }
          : undefined;
      case WIRE.INT_PAIR:
        return c.length === 8
          ? { name, int32_array: { value: [view.getInt32(at, true), view.getInt32(at + 4, true)] } }
          : undefined;
      default:
        return undefined;
    }
  }

  #string(bytes: Uint8Array, from: number, to: number): string {
    let end = from;
    let ascii = true;
    while (end < to && bytes[end] !== 0) {
      if (bytes[end] >= 0x80) ascii = false;
      end++;
    }
    if (ascii && end - from <= 64) return String.fromCharCode.apply(null, bytes.subarray(from, end) as never);
    return this.#decoder.decode(bytes.subarray(from, end));
  }

  #strings(bytes: Uint8Array, from: number, to: number): string[] {
    const out: string[] = [];
    let s = from;
    for (let i = from; i < to; i++) {
      if (bytes[i] === 0) {
        out.push(this.#string(bytes, s, i));
        s = i + 1;
      }
    }
    if (s < to) out.push(this.#string(bytes, s, to));
    return out;
  }
}

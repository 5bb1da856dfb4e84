/**
 * Turns the kernel's records (layout in bpf/record.h) into Tracee v1beta1 events.
 *
 * Pure apart from the {@link ProcessLookup} it is given: no promises, one TextDecoder, a cached
 * timestamp prefix per second, so a drain of thousands of records decodes in one synchronous pass.
 * Events are read-only: consecutive events of one thread share their `workload` object.
 *
 * @module
 */

import { type EventDefinition, EVENTS } from "./catalog.ts";
import { eventByRecordId, recordFields } from "./record_ids.ts";
import {
  type DataField,
  type Event,
  type EventThread,
  type EventWorkload,
  KERNEL_CONTEXT,
  type KernelContext,
} from "./event.ts";
import { ipv4, ipv6, sockaddr } from "./address.ts";

/** Size of `struct record_header`. */
export const HEADER_BYTES = 112;

/** Wire types of record arguments (`enum wire_type` in bpf/record.h). */
export const Wire = {
  I32: 1,
  U32: 2,
  I64: 3,
  U64: 4,
  BOOL: 5,
  STR: 6,
  STR_ARRAY: 7,
  SOCKADDR: 8,
  IP: 9,
  BOOTTIME: 10,
} as const;

/** What the kernel record does not carry: found from /proc by the source, cached there. */
export interface ProcessLookup {
  /** The executable of the process, where known. */
  executable(hostPid: number): string | undefined;
  /** The container id when the process's cgroup path names a container. */
  container(cgroupId: number, hostPid: number): string | undefined;
  /** A process replaced its image with `path`. */
  exec(hostPid: number, path: string): void;
  /** A new process `child` forked from `parent`. */
  fork(parentHostPid: number, childHostPid: number): void;
  /** The last thread of a process exited. */
  exit(hostPid: number): void;
}

const CONTEXT_CACHE_LIMIT = 65536;
/**
 * Byte ranges of the header a cached context is built from: thread start and cgroup id, then
 * host_tid through syscall, then comm (everything but the event time, id and return value).
 */
const KEY_RANGES: readonly [number, number][] = [[8, 24], [28, 80], [88, 104]];
const KEY_WORDS = KEY_RANGES.reduce((n, [from, to]) => n + (to - from) / 4, 0);

/** A task's decoded context and the header words it was decoded from. */
interface CachedContext {
  key: Uint32Array;
  workload: EventWorkload;
  kernel: KernelContext;
}

function keyOf(view: DataView, start: number): Uint32Array {
  const key = new Uint32Array(KEY_WORDS);
  let i = 0;
  for (const [from, to] of KEY_RANGES) {
    for (let at = from; at < to; at += 4) key[i++] = view.getUint32(start + at, true);
  }
  return key;
}

function sameKey(key: Uint32Array, view: DataView, start: number): boolean {
  let i = 0;
  for (const [from, to] of KEY_RANGES) {
    for (let at = from; at < to; at += 4) if (key[i++] !== view.getUint32(start + at, true)) return false;
  }
  return true;
}

/** x86_64 names of the syscalls a non-syscall event can happen in (the catalog's syscalls too). */
const SYSCALL_NAMES: Record<number, string> = {
  0: "read",
  1: "write",
  3: "close",
  56: "clone",
  57: "fork",
  58: "vfork",
  60: "exit",
  62: "kill",
  200: "tkill",
  231: "exit_group",
  234: "tgkill",
  435: "clone3",
};
for (const definition of EVENTS) {
  if (definition.syscall !== undefined) SYSCALL_NAMES[definition.syscall] = definition.name;
}

/** Decodes records of one kernel session; holds the clock offset and per-second caches. */
export class RecordDecoder {
  readonly #offsetSec: number;
  readonly #offsetNsec: number;
  readonly #lookup: ProcessLookup;
  readonly #decoder = new TextDecoder();
  readonly #contexts = new Map<number, CachedContext>();
  readonly #time: (monoSec: number, monoNsec: number) => string;
  /** Thread start times seldom share a second with event times: each has its own cache. */
  readonly #startTime: (monoSec: number, monoNsec: number) => string;

  /** `offset` is wall clock minus CLOCK_MONOTONIC, as [seconds, nanoseconds]. */
  constructor(offset: [number, number], lookup: ProcessLookup) {
    [this.#offsetSec, this.#offsetNsec] = offset;
    this.#lookup = lookup;
    this.#time = timeFormatter(offset);
    this.#startTime = timeFormatter(offset);
  }

  /** The event in `bytes[start, start + length)`, or `undefined` for a record of an unknown event. */
  decode(view: DataView, bytes: Uint8Array, start: number, length: number): Event | undefined {
    const id = view.getUint32(start + 24, true);
    const definition = eventByRecordId(id);
    if (definition === undefined || length < HEADER_BYTES) return undefined;
    const hostPid = view.getUint32(start + 32, true);
    const data = this.#data(definition, view, bytes, start + HEADER_BYTES, start + length);
    if (definition.syscall !== undefined) {
      const retval = view.getInt32(start + 84, true) * 4294967296 + view.getUint32(start + 80, true);
      const field = definition.fields[definition.fields.length - 1];
      data.push(numberField(field.name, field.type, retval));
    } else this.#track(definition.name, data, hostPid, true);
    const context = this.#context(definition, view, bytes, start);
    const event: Event = {
      timestamp: this.#time(view.getUint32(start, true), view.getUint32(start + 4, true)),
      id: definition.id,
      name: definition.name,
      workload: context.workload,
      data,
    };
    event[KERNEL_CONTEXT] = context.kernel;
    if (definition.syscall === undefined) this.#track(definition.name, data, hostPid, false);
    return event;
  }

  /**
   * The workload of the record's task. Consecutive events of a thread share one (read-only) object
   * while the header words it is built from stay the same: most of a busy thread's events then
   * allocate nothing for their context.
   */
  #context(definition: EventDefinition, view: DataView, bytes: Uint8Array, start: number): CachedContext {
    const hostTid = view.getUint32(start + 28, true);
    const cached = this.#contexts.get(hostTid);
    if (cached !== undefined && sameKey(cached.key, view, start)) return cached;
    const hostPid = view.getUint32(start + 32, true);
    const cgroupId = view.getUint32(start + 20, true) * 4294967296 + view.getUint32(start + 16, true);
    const executable = this.#lookup.executable(hostPid);
    const container = this.#lookup.container(cgroupId, hostPid);
    const syscall = view.getUint32(start + 76, true);
    const thread: EventThread = {
      start_time: this.#startTime(view.getUint32(start + 8, true), view.getUint32(start + 12, true)),
      name: this.#string(bytes, start + 88, start + 104),
      unique_id: view.getUint32(start + 64, true),
      host_tid: hostTid,
      tid: view.getUint32(start + 36, true),
    };
    const syscallName = definition.syscall !== undefined ? definition.name : SYSCALL_NAMES[syscall];
    if (syscallName !== undefined) thread.syscall = syscallName;
    const ancestors = [{
      unique_id: view.getUint32(start + 72, true),
      host_pid: view.getUint32(start + 44, true),
      pid: view.getUint32(start + 48, true),
    }];
    const uniqueId = view.getUint32(start + 68, true);
    const pid = view.getUint32(start + 40, true);
    const realUser = { id: view.getUint32(start + 52, true) };
    const workload: EventWorkload = {
      // Two literals rather than a spread: executable comes first in Tracee's key order.
      process: executable === undefined
        ? { unique_id: uniqueId, host_pid: hostPid, pid, real_user: realUser, thread, ancestors }
        : {
          executable: { path: executable },
          unique_id: uniqueId,
          host_pid: hostPid,
          pid,
          real_user: realUser,
          thread,
          ancestors,
        },
    };
    if (container !== undefined) workload.container = { id: container };
    const entry: CachedContext = {
      key: keyOf(view, start),
      workload,
      kernel: {
        cgroup_id: cgroupId,
        mount_ns: view.getUint32(start + 56, true),
        pid_ns: view.getUint32(start + 60, true),
      },
    };
    if (this.#contexts.size >= CONTEXT_CACHE_LIMIT) this.#contexts.clear();
    this.#contexts.set(hostTid, entry);
    return entry;
  }

  #data(
    definition: EventDefinition,
    view: DataView,
    bytes: Uint8Array,
    from: number,
    end: number,
  ): DataField[] {
    const data: DataField[] = [];
    const fields = recordFields(definition);
    let at = from;
    while (at + 2 <= end) {
      const field = fields[bytes[at]];
      const wire = bytes[at + 1];
      at += 2;
      let value: DataField | undefined;
      let size: number;
      switch (wire) {
        case Wire.I32:
        case Wire.U32: {
          const n = wire === Wire.I32 ? view.getInt32(at, true) : view.getUint32(at, true);
          value = field && numberField(field.name, field.type, n);
          size = 4;
          break;
        }
        case Wire.I64:
        case Wire.U64:
        case Wire.BOOTTIME: {
          const n = wire === Wire.I64 ? view.getBigInt64(at, true) : view.getBigUint64(at, true);
          const v = wire === Wire.BOOTTIME ? this.#epochNs(n) : n;
          value = field && numberField(field.name, field.type, v);
          size = 8;
          break;
        }
        case Wire.BOOL:
          value = field && { name: field.name, bool: bytes[at] !== 0 };
          size = 1;
          break;
        case Wire.IP: {
          const family = view.getUint16(at, true);
          const text = family === 10 ? ipv6(bytes, at + 2) : ipv4(bytes, at + 2);
          value = field && { name: field.name, str: text };
          size = 18;
          break;
        }
        case Wire.STR:
        case Wire.STR_ARRAY:
        case Wire.SOCKADDR: {
          const length = view.getUint16(at, true);
          const s = at + 2;
          if (field !== undefined) {
            if (wire === Wire.STR) value = { name: field.name, str: this.#string(bytes, s, s + length) };
            else if (wire === Wire.STR_ARRAY) {
              value = { name: field.name, str_array: { value: this.#strings(bytes, s, s + length) } };
            } else value = { name: field.name, sockaddr: sockaddr(view, bytes, s, length) };
          }
          size = 2 + length;
          break;
        }
        default:
          return data;
      }
      at += size;
      if (value !== undefined) data.push(value);
    }
    return data;
  }

  /** Keeps the process lookup in step with exec, fork and exit; exec before, the others after the context. */
  #track(name: string, data: DataField[], hostPid: number, before: boolean): void {
    if (before && name === "sched_process_exec") {
      const path = data.find((f) => f.name === "pathname")?.str;
      if (path !== undefined) this.#lookup.exec(hostPid, path);
      this.#contexts.delete(hostPid);
    } else if (!before && name === "sched_process_fork") {
      const child = data.find((f) => f.name === "child_pid")?.int32;
      const childTid = data.find((f) => f.name === "child_tid")?.int32;
      if (child !== undefined && child === childTid) this.#lookup.fork(hostPid, child);
    } else if (!before && name === "sched_process_exit") {
      if (data.find((f) => f.name === "process_group_exit")?.bool) this.#lookup.exit(hostPid);
    }
  }

  #epochNs(monoNs: bigint): bigint {
    return monoNs + BigInt(this.#offsetSec) * 1_000_000_000n + BigInt(this.#offsetNsec);
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

/** RFC 3339 with nanoseconds, UTC, from CLOCK_MONOTONIC readings; caches the text of the last second. */
function timeFormatter(
  [offsetSec, offsetNsec]: [number, number],
): (monoSec: number, monoNsec: number) => string {
  let cachedSecond = -1;
  let cachedPrefix = "";
  return (monoSec, monoNsec) => {
    let sec = monoSec + offsetSec;
    let nsec = monoNsec + offsetNsec;
    if (nsec >= 1_000_000_000) {
      nsec -= 1_000_000_000;
      sec += 1;
    }
    if (sec !== cachedSecond) {
      cachedSecond = sec;
      cachedPrefix = new Date(sec * 1000).toISOString().slice(0, 19);
    }
    return `${cachedPrefix}.${String(nsec).padStart(9, "0")}Z`;
  };
}

function numberField(name: string, type: string, n: number | bigint): DataField {
  if (typeof n === "number") {
    // 32-bit wire values: the common case, kept free of BigInt.
    switch (type) {
      case "int32":
        return { name, int32: n | 0 };
      case "u_int32":
        return { name, u_int32: n >>> 0 };
      case "int64":
        return { name, int64: String(n) };
      case "bool":
        return { name, bool: n !== 0 };
      case "pointer":
        return { name, pointer: String(n >>> 0) };
      default:
        return { name, u_int64: String(n >>> 0) };
    }
  }
  switch (type) {
    case "int32":
      return { name, int32: Number(BigInt.asIntN(32, n)) };
    case "u_int32":
      return { name, u_int32: Number(BigInt.asUintN(32, n)) };
    case "int64":
      return { name, int64: BigInt.asIntN(64, n).toString() };
    case "bool":
      return { name, bool: n !== 0n };
    case "pointer":
      return { name, pointer: BigInt.asUintN(64, n).toString() };
    default:
      return { name, u_int64: BigInt.asUintN(64, n).toString() };
  }
}

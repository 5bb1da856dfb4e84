/**
 * Turns the kernel's records (layout in bpf/record.h) into Tracee v1beta1 events.
 *
 * Pure apart from the {@link ProcessLookup} it is given: no promises, one TextDecoder, a cached
 * timestamp prefix per second, so a drain of thousands of records decodes in one synchronous pass.
 *
 * @module
 */

import { type EventDefinition, EVENTS } from "./catalog.ts";
import { type DataField, type Event, type EventThread, KERNEL_CONTEXT, type SockAddr } from "./event.ts";

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

const NO_SYSCALL = 0xffffffff;
const FAMILIES: Record<number, string> = { 1: "AF_UNIX", 2: "AF_INET", 10: "AF_INET6" };

const byId: (EventDefinition | undefined)[] = [];
for (const definition of EVENTS) byId[definition.id] = definition;

/** Decodes records of one kernel session; holds the clock offset and per-second caches. */
export class RecordDecoder {
  readonly #offsetSec: number;
  readonly #offsetNsec: number;
  readonly #lookup: ProcessLookup;
  readonly #decoder = new TextDecoder();
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
    const definition = byId[id];
    if (definition === undefined || length < HEADER_BYTES) return undefined;
    const hostTid = view.getUint32(start + 28, true);
    const hostPid = view.getUint32(start + 32, true);
    const hostPpid = view.getUint32(start + 44, true);
    const data = this.#data(definition, view, bytes, start + HEADER_BYTES, start + length);
    if (!definition.syscall) this.#track(definition.name, data, hostPid, true);
    const syscall = view.getUint32(start + 76, true);
    if (definition.syscall) {
      const retval = view.getInt32(start + 84, true) * 4294967296 + view.getUint32(start + 80, true);
      data.push({ name: "returnValue", int64: String(retval) });
    }
    const workload: Event["workload"] & object = {};
    const executable = this.#lookup.executable(hostPid);
    const container = this.#lookup.container(
      view.getUint32(start + 20, true) * 4294967296 + view.getUint32(start + 16, true),
      hostPid,
    );
    const event: Event = {
      timestamp: this.#time(view.getUint32(start, true), view.getUint32(start + 4, true)),
      id,
      name: definition.name,
      workload,
      data,
    };
    const thread: EventThread = {
      start_time: this.#startTime(view.getUint32(start + 8, true), view.getUint32(start + 12, true)),
      name: this.#string(bytes, start + 88, start + 104),
      unique_id: view.getUint32(start + 64, true),
      host_tid: hostTid,
      tid: view.getUint32(start + 36, true),
    };
    if (syscall !== NO_SYSCALL) thread.syscall = definition.syscall ? definition.name : String(syscall);
    const ancestors = [{
      unique_id: view.getUint32(start + 72, true),
      host_pid: hostPpid,
      pid: view.getUint32(start + 48, true),
    }];
    const uniqueId = view.getUint32(start + 68, true);
    const pid = view.getUint32(start + 40, true);
    const realUser = { id: view.getUint32(start + 52, true) };
    // Two literals rather than a spread: executable comes first in Tracee's key order.
    workload.process = executable === undefined
      ? { unique_id: uniqueId, host_pid: hostPid, pid, real_user: realUser, thread, ancestors }
      : {
        executable: { path: executable },
        unique_id: uniqueId,
        host_pid: hostPid,
        pid,
        real_user: realUser,
        thread,
        ancestors,
      };
    if (container !== undefined) workload.container = { id: container };
    event[KERNEL_CONTEXT] = {
      cgroup_id: view.getUint32(start + 20, true) * 4294967296 + view.getUint32(start + 16, true),
      mount_ns: view.getUint32(start + 56, true),
      pid_ns: view.getUint32(start + 60, true),
    };
    if (!definition.syscall) this.#track(definition.name, data, hostPid, false);
    return event;
  }

  #data(
    definition: EventDefinition,
    view: DataView,
    bytes: Uint8Array,
    from: number,
    end: number,
  ): DataField[] {
    const data: DataField[] = [];
    let at = from;
    while (at + 2 <= end) {
      const field = definition.fields[bytes[at]];
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
    default:
      return { name, u_int64: BigInt.asUintN(64, n).toString() };
  }
}

function ipv4(bytes: Uint8Array, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

/** RFC 5952 text: lowercase, longest run of zero groups (at least two) as `::`, IPv4-mapped dotted. */
export function ipv6(bytes: Uint8Array, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((bytes[at + 2 * i] << 8) | bytes[at + 2 * i + 1]);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${ipv4(bytes, at + 12)}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/** A raw `struct sockaddr` decoded with Tracee's field names; ports in host order. */
export function sockaddr(view: DataView, bytes: Uint8Array, at: number, length: number): SockAddr {
  const family = length >= 2 ? view.getUint16(at, true) : 0;
  const out: SockAddr = { sa_family: FAMILIES[family] ?? String(family) };
  if (family === 2 && length >= 8) {
    out.sin_addr = ipv4(bytes, at + 4);
    const port = view.getUint16(at + 2, false);
    if (port !== 0) out.sin_port = port;
  } else if (family === 10 && length >= 24) {
    // Zero values are left out, as protojson leaves them out of Tracee's output.
    out.sin6_addr = ipv6(bytes, at + 8);
    const port = view.getUint16(at + 2, false);
    const flowinfo = view.getUint32(at + 4, false);
    const scope = length >= 28 ? view.getUint32(at + 24, true) : 0;
    if (port !== 0) out.sin6_port = port;
    if (flowinfo !== 0) out.sin6_flowinfo = flowinfo;
    if (scope !== 0) out.sin6_scopeid = scope;
  } else if (family === 1) {
    const pathBytes = bytes.subarray(at + 2, at + length);
    const abstract = pathBytes[0] === 0 && pathBytes.length > 1;
    const raw = abstract ? pathBytes.subarray(1) : pathBytes;
    const nul = raw.indexOf(0);
    const path = new TextDecoder().decode(nul < 0 ? raw : raw.subarray(0, nul));
    out.sun_path = abstract ? `@${path}` : path;
  }
  return out;
}

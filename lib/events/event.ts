/**
 * The Tracee event (api v1beta1) as sluice carries it from source to destination.
 *
 * The object is exactly what the `json` format prints, so formatting JSON is one
 * `JSON.stringify`; fields without a value are left out, as Tracee does.
 *
 * @module
 */

import type { EventDefinition } from "./catalog.ts";

/** One entry of `data`: the field's name and its value under a Tracee type key. */
export interface DataField {
  /** The data field's name, e.g. `pathname`. */
  name: string;
  int32?: number;
  /** 64-bit values travel as decimal strings, as in Tracee's protojson output. */
  int64?: string;
  u_int32?: number;
  /** 64-bit values travel as decimal strings, as in Tracee's protojson output. */
  u_int64?: string;
  str?: string;
  /** Base64. */
  bytes?: string;
  bool?: boolean;
  str_array?: { value: string[] };
  int32_array?: { value: number[] };
  /** 64-bit values travel as decimal strings. */
  u_int64_array?: { value: string[] };
  /** Seconds, with the nanoseconds as the fraction. */
  timespec?: { value: number };
  /** An address, as a decimal string (Tracee's `pointer` key). */
  pointer?: string;
  /** A decoded socket address (connect, accept4, bind). */
  sockaddr?: SockAddr;
}

/**
 * A socket address decoded from the kernel, as Tracee's v1beta1 JSON prints it (protojson of
 * `SockAddr`): `sa_family` is the enum name (`AF_INET`, `AF_INET6`, `AF_UNIX`), ports are numbers in
 * host order, zero values are left out. E.g. `{"sa_family":"AF_INET","sin_addr":"127.0.0.1","sin_port":80}`.
 */
export interface SockAddr {
  /** Absent only in the zero value `{}` of a field the kernel gave nothing for. */
  sa_family?: string;
  sin_addr?: string;
  sin_port?: number;
  sin6_addr?: string;
  sin6_port?: number;
  sin6_flowinfo?: number;
  sin6_scopeid?: number;
  sun_path?: string;
}

/** The thread that caused the event. */
export interface EventThread {
  start_time?: string;
  name?: string;
  unique_id?: number;
  host_tid?: number;
  tid?: number;
  syscall?: string;
  compat?: boolean;
  user_stack_trace?: unknown;
}

/** An ancestor of the process (Tracee's `ancestors[]`); index 0 is the parent. */
export interface EventAncestor {
  unique_id?: number;
  host_pid?: number;
  pid?: number;
}

/** The process that caused the event. */
export interface EventProcess {
  executable?: { path?: string };
  unique_id?: number;
  host_pid?: number;
  pid?: number;
  real_user?: { id?: number };
  thread?: EventThread;
  ancestors?: EventAncestor[];
}

/** The container the process runs in, where there is one. */
export interface EventContainer {
  id?: string;
  name?: string;
  image?: { id?: string; name?: string };
  started?: boolean;
}

/** Who caused the event: process, container and Kubernetes pod. */
export interface EventWorkload {
  process?: EventProcess;
  container?: EventContainer;
  k8s?: { pod?: { name?: string; uid?: string }; namespace?: { name?: string } };
}

/**
 * Key of the kernel context that Tracee's v1beta1 JSON has no field for. A symbol key, so
 * `JSON.stringify` leaves it out while policies and formats can still read it.
 */
export const KERNEL_CONTEXT: unique symbol = Symbol("sluice.kernelContext");

/**
 * Key of the catalog definition the kernel decoder built an event from. It vouches for the layout
 * the decoder gives an event: one `data` entry per field of the definition, in its order, each
 * `{ name, <type key>: value }`. A stage that changes `data` drops the mark; the json writer reads
 * data entries by this layout where each still matches it.
 */
export const DECODED_FROM: unique symbol = Symbol("sluice.decodedFrom");

/** Cgroup id, mount and pid namespace of the task that caused a kernel event. */
export interface KernelContext {
  cgroup_id: number;
  mount_ns: number;
  pid_ns: number;
}

/** A Tracee event, v1beta1 shape. */
export interface Event {
  /** RFC 3339 with nanoseconds, UTC. */
  timestamp: string;
  id: number;
  name: string;
  policies?: { matched?: string[] };
  workload?: EventWorkload;
  data?: DataField[];
  /**
   * The names of the `data` fields whose value was cut at sluice's bounds or could not be read
   * whole; present only when there is one. The executable's path is named `executable.path`.
   */
  truncated?: string[];
  /** Set by the kernel source; absent on replayed events. */
  [KERNEL_CONTEXT]?: KernelContext;
  /** Set by the kernel decoder: the definition whose layout `data` has. */
  [DECODED_FROM]?: EventDefinition;
  /** Not printed by Tracee's JSON but kept when replaying events that carry it. */
  [extra: string]: unknown;
}

/** The plain value of a data field, whatever its type key; `undefined` when it has none. */
export function dataValue(field: DataField): unknown {
  for (const key in field) {
    if (key !== "name") return field[key as keyof DataField];
  }
  return undefined;
}

/** The value of the data field called `name`, or `undefined`. */
export function findData(event: Event, name: string): unknown {
  const data = event.data;
  if (data === undefined) return undefined;
  for (const field of data) {
    if (field.name === name) return dataValue(field);
  }
  return undefined;
}

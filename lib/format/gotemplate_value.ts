/**
 * Values as a template sees them. A template reads the event by its JSON names
 * (`.workload.process.pid`) or by the Go names of Tracee's protobuf event
 * (`.Workload.Process.Pid.Value`, `.Timestamp.AsTime`, `.Data` entries' `.Value.Str`), both
 * on the same plain event object: this module resolves a field step either way and prints
 * values as Go's `fmt` prints them.
 *
 * @module
 */

import { GoTime, parseRfc3339 } from "./go_time.ts";

/** An error while running a template (a bad argument to a function, an unknown variable). */
export class TemplateExecError extends Error {}

/** A protobuf `Timestamp` (`.Timestamp`, `.StartTime`): `.Seconds`, `.Nanos`, `.AsTime`. */
export class GoTimestamp {
  /** `text`: the RFC 3339 form the event carries. */
  constructor(readonly text: string, readonly time: GoTime) {}

  /** Seconds since the epoch. */
  get Seconds(): number {
    return this.time.Unix();
  }

  /** Nanoseconds within the second. */
  get Nanos(): number {
    return this.time.nanosecond();
  }

  /** The instant as a Go `time.Time` in UTC. */
  AsTime(): GoTime {
    return this.time;
  }

  /** Printed as the RFC 3339 text (protobuf's own text form is unstable by design). */
  toString(): string {
    return this.text;
  }
}

/** A protobuf enum (the event's `.Id`): printed by name, compared as its number. */
export class GoEnum {
  /** `name`: what it prints as; `value`: the number. */
  constructor(readonly name: string, readonly value: number) {}

  /** The enum's name, as Go's `String()` gives it. */
  toString(): string {
    return this.name;
  }
}

/** A data entry's `.Value` (a protobuf oneof): printed as the value, fields by Go type name (`.Str`). */
export class GoOneOf {
  /** `field`: the data entry; `key`: its type key (`str`, `u_int64`, ...). */
  constructor(readonly field: Record<string, unknown>, readonly key: string | undefined) {}

  /** The plain value inside. */
  get value(): unknown {
    return this.key === undefined ? undefined : this.field[this.key];
  }
}

/** Go field name -> JSON key: `HostPid` -> `host_pid`, `UInt32` -> `u_int32`. */
export function jsonKey(goName: string): string {
  if (goName === "K8S" || goName === "K8s") return "k8s";
  return goName.replace(/(?<=[A-Za-z0-9])([A-Z])/g, "_$1").toLowerCase();
}

const TIMESTAMP_KEYS = new Set(["timestamp", "start_time"]);
// 64-bit integers travel as decimal strings in the JSON; the Go view has numbers.
const INTEGER_TEXT_KEYS = new Set(["int64", "u_int64", "pointer"]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype;
}

function integerOf(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

function typeKeyOf(field: Record<string, unknown>): string | undefined {
  for (const key in field) if (key !== "name") return key;
  return undefined;
}

/** What Go's name `name` gives on the plain object `object`, or undefined. */
function goField(object: Record<string, unknown>, name: string): unknown {
  const key = jsonKey(name);
  const value = object[key];
  if (TIMESTAMP_KEYS.has(key) && typeof value === "string") {
    const time = parseRfc3339(value);
    return time === undefined ? value : new GoTimestamp(value, time);
  }
  if (key === "id" && typeof value === "number" && typeof object.name === "string" && "timestamp" in object) {
    return new GoEnum(object.name, value);
  }
  if (key === "value" && value === undefined && typeof object.name === "string") {
    return new GoOneOf(object, typeKeyOf(object));
  }
  if (INTEGER_TEXT_KEYS.has(key) && typeof value === "string") return integerOf(value);
  return value;
}

/** A Go value with exported fields and methods (a time, a timestamp). */
export function isGoStruct(value: unknown): value is GoTime | GoTimestamp {
  return value instanceof GoTime || value instanceof GoTimestamp;
}

/**
 * The exported member `name` of a Go value: only Go's exported names (a capital first
 * letter), so a template cannot reach JavaScript internals such as `constructor`.
 */
export function goMember(value: GoTime | GoTimestamp, name: string): unknown {
  if (!/^[A-Z]/.test(name)) return undefined;
  return (value as unknown as Record<string, unknown>)[name];
}

/** One field step `.name` from `value`, by JSON name or Go name; undefined when there is no such field. */
export function fieldOf(value: unknown, name: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (value instanceof GoOneOf) {
    const key = jsonKey(name);
    if (key !== value.key) return undefined;
    const inner = value.value;
    return INTEGER_TEXT_KEYS.has(key) && typeof inner === "string" ? integerOf(inner) : inner;
  }
  if (isGoStruct(value)) {
    const member = goMember(value, name);
    return typeof member === "function" ? member.call(value) : member;
  }
  // A protobuf wrapper (`.Pid.Value`) is its number; so is Tracee's documented `.pid.value`.
  if ((name === "Value" || name === "value") && (typeof value === "number" || typeof value === "bigint")) {
    return value;
  }
  if (
    typeof value === "string" &&
    (name === "seconds" || name === "nanos" || name === "Seconds" || name === "Nanos")
  ) {
    const time = parseRfc3339(value);
    if (time === undefined) return undefined;
    return name.toLowerCase() === "seconds" ? time.Unix() : time.nanosecond();
  }
  if (!isPlainObject(value)) return undefined;
  if (Object.hasOwn(value, name)) return value[name];
  return /^[A-Z]/.test(name) ? goField(value, name) : undefined;
}

/** The plain value behind a template value (a oneof's content, an enum's number). */
export function plain(value: unknown): unknown {
  if (value instanceof GoOneOf) return plain(value.value);
  if (value instanceof GoEnum) return value.value;
  return value;
}

/** Go's truth of a value in `if`, `with`, `and`, `or`, `not`: zero values and empty collections are false. */
export function isEmpty(value: unknown): boolean {
  const v = plain(value);
  if (v === undefined || v === null || v === false || v === 0 || v === 0n || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof Map) return v.size === 0;
  if (isPlainObject(v)) return Object.keys(v).length === 0;
  return false;
}

function formatNumber(n: number): string {
  if (Number.isInteger(n) || !Number.isFinite(n)) {
    return Number.isFinite(n) ? String(n) : n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN";
  }
  const text = String(n);
  // Go prints large and small floats with an exponent of at least two digits: 1e+21, 1e-07.
  return text.replace(/e([+-])(\d)$/, "e$10$2");
}

/** Go's `%v` of a value; `top` prints a missing value as `<no value>`, nested as `<nil>`. */
export function goString(value: unknown, top = true): string {
  if (value === undefined) return top ? "<no value>" : "<nil>";
  if (value === null) return "<nil>";
  if (typeof value === "number") return formatNumber(value);
  if (value instanceof GoOneOf) return goString(value.value, top);
  if (Array.isArray(value)) return `[${value.map((v) => goString(v, false)).join(" ")}]`;
  if (value instanceof Uint8Array) return `[${[...value].join(" ")}]`;
  if (isPlainObject(value)) {
    const entries = Object.keys(value).sort().map((k) => `${k}:${goString(value[k], false)}`);
    return `map[${entries.join(" ")}]`;
  }
  return String(value);
}

/** The JSON form of a value, as Go's encoding/json writes it (used by json, toJson, fromJson round trips). */
export function toJsonValue(value: unknown): unknown {
  if (value instanceof GoOneOf) return toJsonValue(value.value);
  if (value instanceof GoEnum) return value.value;
  if (value instanceof GoTimestamp) return { seconds: value.Seconds, nanos: value.Nanos };
  if (value instanceof GoTime) return value.Format("2006-01-02T15:04:05.999999999Z07:00");
  if (typeof value === "bigint") {
    return (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(String(value));
  }
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return value;
}

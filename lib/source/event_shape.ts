/**
 * Whether a parsed JSON value is a Tracee event (api v1beta1) that every later stage can
 * handle: each field sluice reads has the type `Event` (lib/events/event.ts) declares, `data` entries are
 * objects with a name and at most one typed value, and nothing nests deeper than
 * {@link MAX_EVENT_DEPTH}. A replayed line that decodes but fails here is skipped like one
 * that does not decode, instead of failing a policy or a format later (`"data":[null]`).
 *
 * Fields sluice does not know (`threat`, `detected_from`, newer Tracee value types) pass
 * with their nesting bounded: they are carried and printed, never interpreted.
 *
 * Every replayed line passes through here, so the check is written out per object (a `switch`
 * on each key, direct calls to the scalar checks) rather than walked from a table of closures:
 * one pass over the keys JSON.parse made, no allocation unless something is wrong.
 *
 * @module
 */

import {
  anyValue,
  bool,
  expected,
  type Found,
  int32,
  int64,
  isPlainObject,
  kind,
  oneKey,
  problem,
  scalars,
  text,
  uint32,
  uint64,
  under,
} from "./shape_checks.ts";

export { MAX_EVENT_DEPTH } from "./shape_checks.ts";

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

const texts = (value: unknown): Found => scalars(value, text);
const policies = oneKey("matched", texts);
const executable = oneKey("path", text);
const realUser = oneKey("id", uint32);
const namespace = oneKey("name", text);
const strArray = oneKey("value", texts);
const int32Array = oneKey("value", (value) => scalars(value, int32));
const uint64Array = oneKey("value", (value) => scalars(value, uint64));

// The event, object by object: known keys have their types, other keys are any JSON.

function event(value: Record<string, unknown>): Found {
  for (const key in value) {
    const v = value[key];
    let found: Found;
    switch (key) {
      case "id":
        found = uint32(v);
        break;
      case "name":
        found = text(v);
        break;
      case "policies":
        found = policies(v, 1);
        break;
      case "workload":
        found = workload(v);
        break;
      case "data":
        found = data(v);
        break;
      default:
        found = anyValue(v, 1);
    }
    if (found !== undefined) return under(key, found);
  }
  return undefined;
}

function workload(value: unknown): Found {
  if (!isPlainObject(value)) return expected("an object", value);
  for (const key in value) {
    const v = value[key];
    let found: Found;
    switch (key) {
      case "process":
        found = process(v);
        break;
      case "container":
        found = container(v);
        break;
      case "k8s":
        found = k8s(v);
        break;
      default:
        found = anyValue(v, 2);
    }
    if (found !== undefined) return under(key, found);
  }
  return undefined;
}

function process(value: unknown): Found {
  if (!isPlainObject(value)) return expected("an object", value);
  for (const key in value) {
    const v = value[key];
    let found: Found;
    switch (key) {
      case "executable":
        found = executable(v, 3);
        break;
      case "unique_id":
        found = uint32(v);
        break;
      case "host_pid":
      case "pid":
        found = int32(v);
        break;
      case "real_user":
        found = realUser(v, 3);
        break;
      case "thread":
        found = thread(v);
        break;
      case "ancestors":
        found = ancestors(v);
        break;
      default:
        found = anyValue(v, 3);
    }
    if (found !== undefined) return under(key, found);
  }
  return undefined;
}

function thread(value: unknown): Found {
  if (!isPlainObject(value)) return expected("an object", value);
  for (const key in value) {
    const v = value[key];
    let found: Found;
    switch (key) {
      case "start_time":
      case "name":
      case "syscall":
        found = text(v);
        break;
      case "unique_id":
        found = uint32(v);
        break;
      case "host_tid":
      case "tid":
        found = int32(v);
        break;
      case "compat":
        found = bool(v);
        break;
      default:
        found = anyValue(v, 4);
    }
    if (found !== undefined) return under(key, found);
  }
  return undefined;
}

function ancestors(value: unknown): Found {
  if (!Array.isArray(value)) return expected("a list", value);
  for (let i = 0; i < value.length; i++) {
    const found = ancestor(value[i]);
    if (found !== undefined) return under(i, found);
  }
  return undefined;
}

function ancestor(value: unknown): Found {
  if (!isPlainObject(value)) return expected("an object", value);
  for (const key in value) {
    const v = value[key];
    let found: Found;
    switch (key) {
      case "unique_id":
        found = uint32(v);
        break;
      case "host_pid":
      case "pid":
        found = int32(v);
        break;
      default:
        found = anyValue(v, 5);
    }
    if (found !== undefined) return under(key, found);
  }
  return undefined;
}

function container(value: unknown): Found {
  if (!isPlainObject(value)) return expected("an object", value);
  for (const key in value) {
    const v = value[key];
    let found: Found;
    switch (key) {
      case "id":
      case "name":
        found = text(v);
        break;
      case "image":
        found = image(v);
        break;
      case "started":
        found = bool(v);
        break;
      default:
        found = anyValue(v, 3);
    }
    if (found !== undefined) return under(key, found);
  }
  return undefined;
}

function image(value: unknown): Found {
  if (!isPlainObject(value)) return expected("an object", value);
  for (const key in value) {
    const v = value[key];
    const found = key === "id" || key === "name"
      ? text(v)
      : key === "repo_digests"
      ? texts(v)
      : anyValue(v, 4);
    if (found !== undefined) return under(key, found);
  }
  return undefined;
}

function k8s(value: unknown): Found {
  if (!isPlainObject(value)) return expected("an object", value);
  for (const key in value) {
    const v = value[key];
    const found = key === "pod" ? pod(v) : key === "namespace" ? namespace(v, 3) : anyValue(v, 3);
    if (found !== undefined) return under(key, found);
  }
  return undefined;
}

function pod(value: unknown): Found {
  if (!isPlainObject(value)) return expected("an object", value);
  for (const key in value) {
    const v = value[key];
    const found = key === "name" || key === "uid" ? text(v) : key === "labels" ? labels(v) : anyValue(v, 4);
    if (found !== undefined) return under(key, found);
  }
  return undefined;
}

/** A map of names to texts (Kubernetes labels). */
function labels(value: unknown): Found {
  if (!isPlainObject(value)) return expected("an object", value);
  for (const key in value) {
    const found = text(value[key]);
    if (found !== undefined) return under(key, found);
  }
  return undefined;
}

function data(value: unknown): Found {
  if (!Array.isArray(value)) return expected("a list", value);
  for (let i = 0; i < value.length; i++) {
    const found = dataEntry(value[i]);
    if (found !== undefined) return under(i, found);
  }
  return undefined;
}

/** A data entry (2 levels into the event): a name and at most one value. */
function dataEntry(value: unknown): Found {
  if (!isPlainObject(value)) return expected("an object with a name and a value", value);
  if (typeof value.name !== "string" || value.name === "") {
    return under("name", expected("a name", value.name));
  }
  let valueKey: string | undefined;
  for (const key in value) {
    if (key === "name") continue;
    if (valueKey !== undefined) return problem(`holds two values (${valueKey} and ${key}); expected one`);
    valueKey = key;
    const found = dataValue(key, value[key]);
    if (found !== undefined) return under(key, found);
  }
  return undefined;
}

/** The value of a data entry under each type key sluice reads; other keys are any JSON. */
function dataValue(key: string, value: unknown): Found {
  switch (key) {
    case "int32":
      return int32(value);
    case "int64":
      return int64(value);
    case "u_int32":
      return uint32(value);
    case "u_int64":
    case "pointer":
      return uint64(value);
    case "str":
    case "bytes":
      return text(value);
    case "bool":
      return bool(value);
    case "str_array":
      return strArray(value, 3);
    case "int32_array":
      return int32Array(value, 3);
    case "u_int64_array":
      return uint64Array(value, 3);
    case "sockaddr":
      return sockaddr(value);
    default:
      return anyValue(value, 3);
  }
}

function sockaddr(value: unknown): Found {
  if (!isPlainObject(value)) return expected("an object", value);
  for (const key in value) {
    const v = value[key];
    let found: Found;
    switch (key) {
      case "sa_family":
      case "sun_path":
      case "sin_addr":
      case "sin6_addr":
        found = text(v);
        break;
      case "sin_port":
      case "sin6_port":
      case "sin6_flowinfo":
      case "sin6_scopeid":
        found = uint32(v);
        break;
      default:
        found = anyValue(v, 4);
    }
    if (found !== undefined) return under(key, found);
  }
  return undefined;
}

/**
 * Why `value` is not a Tracee event sluice can carry (naming the field, e.g.
 * `data[0]: expected an object with a name and a value, got null`), or undefined when it is one.
 */
export function eventProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) return `not a JSON object (${kind(value)})`;
  if (typeof value.name !== "string" || value.name === "") {
    return "eventName" in value
      ? "Tracee's older flat event shape (eventName) is not supported: record with the current json format"
      : 'no "name"';
  }
  if (typeof value.timestamp !== "string") return 'no "timestamp" string';
  if (!RFC3339.test(value.timestamp)) {
    return `timestamp: expected an RFC 3339 time, got ${JSON.stringify(value.timestamp.slice(0, 40))}`;
  }
  if (typeof value.id !== "number") return 'no numeric "id"';
  const found = event(value);
  if (found === undefined) return undefined;
  const path = found.at.reverse().map((step) => typeof step === "number" ? `[${step}]` : `.${step}`).join("");
  return `${path.slice(1)}: ${found.message}`;
}

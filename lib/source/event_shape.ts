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

/** How deeply a replayed event may nest (Tracee's deepest field is about 6 levels down). */
export const MAX_EVENT_DEPTH = 32;

/** What is wrong, and where: `at` lists the keys and indexes from the failing value up. */
interface Problem {
  at: (string | number)[];
  message: string;
}

/** A check's answer: the problem, or undefined when the value is fine. */
type Found = Problem | undefined;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const INT64 = /^-?\d{1,19}$/;
const UINT64 = /^\d{1,20}$/;

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

const problem = (message: string): Problem => ({ at: [], message });
const expected = (what: string, value: unknown) => problem(`expected ${what}, got ${kind(value)}`);

/**
 * `found` (if any) as found under `key` of the value being checked. The path is only built on
 * the way back from a problem: valid events pay nothing for it.
 */
function under(key: string | number, found: Found): Found {
  found?.at.push(key);
  return found;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Any JSON value `depth` levels into the event, as long as it nests no deeper than the limit. */
function anyValue(value: unknown, depth: number): Found {
  if (typeof value !== "object" || value === null) return undefined;
  if (depth >= MAX_EVENT_DEPTH) return problem(`nested deeper than ${MAX_EVENT_DEPTH} levels`);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = anyValue(value[i], depth + 1);
      if (found !== undefined) return under(i, found);
    }
    return undefined;
  }
  for (const key in value) {
    const found = anyValue((value as Record<string, unknown>)[key], depth + 1);
    if (found !== undefined) return under(key, found);
  }
  return undefined;
}

// Scalars.

const text = (value: unknown): Found => typeof value === "string" ? undefined : expected("a string", value);
const bool = (value: unknown): Found =>
  typeof value === "boolean" ? undefined : expected("true or false", value);

function integer(value: unknown, min: number, max: number): Found {
  if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return undefined;
  return problem(
    `expected an integer from ${min} to ${max}, got ${typeof value === "number" ? value : kind(value)}`,
  );
}

const int32 = (value: unknown): Found => integer(value, -0x8000_0000, 0x7fff_ffff);
const uint32 = (value: unknown): Found => integer(value, 0, 0xffff_ffff);
const int64 = (value: unknown): Found =>
  typeof value === "string" && INT64.test(value)
    ? undefined
    : expected("a 64-bit integer as a decimal string", value);
const uint64 = (value: unknown): Found =>
  typeof value === "string" && UINT64.test(value)
    ? undefined
    : expected("an unsigned 64-bit integer as a decimal string", value);

/** A list of scalars, each checked by `item`. */
function scalars(value: unknown, item: (value: unknown) => Found): Found {
  if (!Array.isArray(value)) return expected("a list", value);
  for (let i = 0; i < value.length; i++) {
    const found = item(value[i]);
    if (found !== undefined) return under(i, found);
  }
  return undefined;
}

/** An object with one known key, `known`, checked by `check`; other keys are any JSON. */
function single(value: unknown, depth: number, known: string, check: (value: unknown) => Found): Found {
  if (!isPlainObject(value)) return expected("an object", value);
  for (const key in value) {
    const found = key === known ? check(value[key]) : anyValue(value[key], depth + 1);
    if (found !== undefined) return under(key, found);
  }
  return undefined;
}

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
        found = single(v, 1, "matched", (matched) => scalars(matched, text));
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
        found = single(v, 3, "path", text);
        break;
      case "unique_id":
        found = uint32(v);
        break;
      case "host_pid":
      case "pid":
        found = int32(v);
        break;
      case "real_user":
        found = single(v, 3, "id", uint32);
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
      ? scalars(v, text)
      : anyValue(v, 4);
    if (found !== undefined) return under(key, found);
  }
  return undefined;
}

function k8s(value: unknown): Found {
  if (!isPlainObject(value)) return expected("an object", value);
  for (const key in value) {
    const v = value[key];
    const found = key === "pod" ? pod(v) : key === "namespace" ? single(v, 3, "name", text) : anyValue(v, 3);
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
      return single(value, 3, "value", (items) => scalars(items, text));
    case "int32_array":
      return single(value, 3, "value", (items) => scalars(items, int32));
    case "u_int64_array":
      return single(value, 3, "value", (items) => scalars(items, uint64));
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

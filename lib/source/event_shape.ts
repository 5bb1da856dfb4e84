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
 * @module
 */

/** How deeply a replayed event may nest (Tracee's deepest field is about 6 levels down). */
export const MAX_EVENT_DEPTH = 32;

/** What is wrong, and where: `at` lists the keys and indexes from the failing value up. */
interface Problem {
  at: (string | number)[];
  message: string;
}

/**
 * Checks `value`, `depth` levels into the event; returns the problem, or undefined when it is
 * fine. The path is only built on the way back from a problem: valid events pay nothing for it.
 */
type Check = (value: unknown, depth: number) => Problem | undefined;

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

/** `problem` (if any) as found under `key` of the value being checked. */
function under(key: string | number, found: Problem | undefined): Problem | undefined {
  found?.at.push(key);
  return found;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Any JSON value, as long as it nests no deeper than the limit. */
const anyValue: Check = (value, depth) => {
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
};

const text: Check = (value) => typeof value === "string" ? undefined : expected("a string", value);
const bool: Check = (value) => typeof value === "boolean" ? undefined : expected("true or false", value);

function integer(min: number, max: number): Check {
  return (value) =>
    typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
      ? undefined
      : problem(
        `expected an integer from ${min} to ${max}, got ${typeof value === "number" ? value : kind(value)}`,
      );
}

function digits(pattern: RegExp, what: string): Check {
  return (value) =>
    typeof value === "string" && pattern.test(value)
      ? undefined
      : expected(`${what} as a decimal string`, value);
}

const int32 = integer(-0x8000_0000, 0x7fff_ffff);
const uint32 = integer(0, 0xffff_ffff);
const int64 = digits(INT64, "a 64-bit integer");
const uint64 = digits(UINT64, "an unsigned 64-bit integer");

function list(item: Check): Check {
  return (value, depth) => {
    if (!Array.isArray(value)) return expected("a list", value);
    for (let i = 0; i < value.length; i++) {
      const found = item(value[i], depth + 1);
      if (found !== undefined) return under(i, found);
    }
    return undefined;
  };
}

/** An object whose known fields (all optional) have their types; other fields are any JSON. */
function object(fields: Record<string, Check>): Check {
  const checks = new Map(Object.entries(fields));
  return (value, depth) => {
    if (!isPlainObject(value)) return expected("an object", value);
    for (const key in value) {
      const check = checks.get(key) ?? anyValue;
      const found = check(value[key], depth + 1);
      if (found !== undefined) return under(key, found);
    }
    return undefined;
  };
}

/** A map of names to texts (Kubernetes labels). */
const textMap: Check = (value) => {
  if (!isPlainObject(value)) return expected("an object", value);
  for (const key in value) {
    const found = text(value[key], 0);
    if (found !== undefined) return under(key, found);
  }
  return undefined;
};

/** The value of a data entry under each type key sluice reads; other keys are any JSON. */
const DATA_VALUES = new Map<string, Check>(Object.entries({
  int32,
  int64,
  u_int32: uint32,
  u_int64: uint64,
  pointer: uint64,
  str: text,
  bytes: text,
  bool,
  str_array: object({ value: list(text) }),
  int32_array: object({ value: list(int32) }),
  u_int64_array: object({ value: list(uint64) }),
  sockaddr: object({
    sa_family: text,
    sun_path: text,
    sin_addr: text,
    sin_port: uint32,
    sin6_addr: text,
    sin6_port: uint32,
    sin6_flowinfo: uint32,
    sin6_scopeid: uint32,
  }),
}));

const dataEntry: Check = (value, depth) => {
  if (!isPlainObject(value)) return expected("an object with a name and a value", value);
  if (typeof value.name !== "string" || value.name === "") {
    return under("name", expected("a name", value.name));
  }
  let valueKey: string | undefined;
  for (const key in value) {
    if (key === "name") continue;
    if (valueKey !== undefined) return problem(`holds two values (${valueKey} and ${key}); expected one`);
    valueKey = key;
    const check = DATA_VALUES.get(key) ?? anyValue;
    const found = check(value[key], depth + 1);
    if (found !== undefined) return under(key, found);
  }
  return undefined;
};

const ancestor = object({ unique_id: uint32, host_pid: int32, pid: int32 });

const workload = object({
  process: object({
    executable: object({ path: text }),
    unique_id: uint32,
    host_pid: int32,
    pid: int32,
    real_user: object({ id: uint32 }),
    thread: object({
      start_time: text,
      name: text,
      unique_id: uint32,
      host_tid: int32,
      tid: int32,
      syscall: text,
      compat: bool,
    }),
    ancestors: list(ancestor),
  }),
  container: object({
    id: text,
    name: text,
    image: object({ id: text, name: text, repo_digests: list(text) }),
    started: bool,
  }),
  k8s: object({
    pod: object({ name: text, uid: text, labels: textMap }),
    namespace: object({ name: text }),
  }),
});

const event = object({
  id: uint32,
  name: text,
  policies: object({ matched: list(text) }),
  workload,
  data: list(dataEntry),
});

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
  const found = event(value, 0);
  if (found === undefined) return undefined;
  const path = found.at.reverse().map((step) => typeof step === "number" ? `[${step}]` : `.${step}`).join("");
  return `${path.slice(1)}: ${found.message}`;
}

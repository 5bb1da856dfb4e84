/**
 * The one place that knows the layout of Tracee's event JSON (api/v1beta1/event_json.go):
 * the order of the keys of every object, which keys are always written (with their zero
 * value) and which are left out when empty. {@link traceeOrder} brings any event object into
 * that layout, returning the object itself, untouched, when it already is.
 *
 * @module
 */

/** The layout of one JSON object. */
interface Layout {
  /** The keys in Tracee's order; other keys follow them, in the order they came. */
  keys: readonly string[];
  /** Keys always written, with the zero value to write when the object lacks them. */
  always?: Readonly<Record<string, unknown>>;
  /** Keys left out when their value is empty ("", false, an empty list). */
  omitEmpty?: ReadonlySet<string>;
  /** The layout of a key's object value, or of each element of its list value. */
  children?: Readonly<Record<string, Layout>>;
}

const SOCKADDR: Layout = {
  keys: [
    "sa_family",
    "sun_path",
    "sin_addr",
    "sin_port",
    "sin6_addr",
    "sin6_port",
    "sin6_flowinfo",
    "sin6_scopeid",
  ],
};

// An array value: Tracee writes an empty one as {} (no "value" key).
const ARRAY_VALUE: Layout = { keys: ["value"], omitEmpty: new Set(["value"]) };

// A data entry: its name, then its one type key.
const DATA_FIELD: Layout = {
  keys: ["name"],
  children: {
    sockaddr: SOCKADDR,
    str_array: ARRAY_VALUE,
    int32_array: ARRAY_VALUE,
    u_int64_array: ARRAY_VALUE,
  },
};

const THREAD: Layout = {
  keys: ["start_time", "name", "unique_id", "host_tid", "tid", "syscall", "compat", "user_stack_trace"],
  omitEmpty: new Set(["name", "syscall", "compat"]),
};

const PROCESS: Layout = {
  keys: ["executable", "unique_id", "host_pid", "pid", "real_user", "thread", "ancestors"],
  omitEmpty: new Set(["ancestors"]),
  children: { thread: THREAD },
};
// Ancestors are processes too.
(PROCESS.children as Record<string, Layout>).ancestors = PROCESS;

const CONTAINER: Layout = {
  keys: ["id", "name", "image", "started"],
  always: { id: "", name: "", started: false },
  children: {
    image: {
      keys: ["id", "repo_digests", "name"],
      always: { id: "", name: "" },
      omitEmpty: new Set(["repo_digests"]),
    },
  },
};

const K8S: Layout = {
  keys: ["pod", "namespace"],
  children: {
    pod: { keys: ["name", "uid", "labels"], always: { name: "", uid: "" } },
    namespace: { keys: ["name"], always: { name: "" } },
  },
};

/** The layout of a whole event. */
export const EVENT_LAYOUT: Layout = {
  keys: ["timestamp", "id", "name", "policies", "workload", "data", "threat", "detected_from"],
  omitEmpty: new Set(["data"]),
  children: {
    workload: {
      keys: ["process", "container", "k8s"],
      children: { process: PROCESS, container: CONTAINER, k8s: K8S },
    },
    data: DATA_FIELD,
  },
};

/** The layout of `workload` on its own (the json format writes a shared workload once). */
export const WORKLOAD_LAYOUT: Layout = EVENT_LAYOUT.children!.workload;

/** The layout of one entry of `data`. */
export const DATA_FIELD_LAYOUT: Layout = DATA_FIELD;

const ranks = new WeakMap<Layout, Record<string, number>>();

/** Each key's position; a prototype-less object, as a property lookup is cheaper than a Map's here. */
function rankOf(layout: Layout): Record<string, number> {
  let rank = ranks.get(layout);
  if (rank === undefined) {
    rank = Object.assign(Object.create(null), Object.fromEntries(layout.keys.map((key, i) => [key, i])));
    ranks.set(layout, rank!);
  }
  return rank!;
}

const EVENT_RANK = rankOf(EVENT_LAYOUT);

/**
 * Where an event's own `key` goes in Tracee's order: a writer walking an event's keys in the order
 * they were set can check, key by key, that they already are in that order (ranks never fall).
 * Keys Tracee does not know share the last rank.
 */
export function eventKeyRank(key: string): number {
  return EVENT_RANK[key] ?? EVENT_LAYOUT.keys.length;
}

/** True when Tracee leaves the event's own `key` out for `value` (an empty optional value). */
export function eventOmits(key: string, value: unknown): boolean {
  return EVENT_LAYOUT.omitEmpty!.has(key) && isEmpty(value);
}

function isEmpty(value: unknown): boolean {
  return value === "" || value === false || value === undefined ||
    (Array.isArray(value) && value.length === 0);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A data entry written as `{name, <type key>: scalar}`, as sources build them: nothing to check deeper. */
function plainDataField(item: unknown): boolean {
  if (!isObject(item)) return false;
  let first = true;
  for (const key in item) {
    if (first ? key !== "name" : typeof item[key] === "object") return false;
    first = false;
  }
  return true;
}

function child(value: unknown, layout: Layout | undefined): unknown {
  if (layout === undefined) return value;
  if (Array.isArray(value)) {
    if (layout === DATA_FIELD && value.every(plainDataField)) return value;
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const done = isObject(item) ? traceeOrder(item, layout) : item;
      if (done !== item) (copy ??= value.slice())[i] = done;
    }
    return copy ?? value;
  }
  return isObject(value) ? traceeOrder(value, layout) : value;
}

/**
 * `object` laid out as Tracee writes it under `layout`: keys in order, always-written keys
 * present, empty optional keys gone, the same for every nested object. Returns `object`
 * itself when nothing needs to change, so an event built in order costs one pass.
 */
export function traceeOrder(
  object: Record<string, unknown>,
  layout: Layout = EVENT_LAYOUT,
): Record<string, unknown> {
  return order(object, layout, undefined);
}

/**
 * The event laid out as {@link traceeOrder} does, except that its `workload` is left as it is:
 * for a writer that has that workload's layout already (json_bytes.ts).
 */
export function traceeOrderBesideWorkload(event: Record<string, unknown>): Record<string, unknown> {
  return order(event, EVENT_LAYOUT, "workload");
}

function order(
  object: Record<string, unknown>,
  layout: Layout,
  opaque: string | undefined,
): Record<string, unknown> {
  const rank = rankOf(layout);
  const omit = layout.omitEmpty;
  const children = layout.children;
  let last = -1;
  let fine = true;
  let changed: Map<string, unknown> | undefined;
  // Object.keys reads V8's cached key list: cheaper than for..in on these small objects.
  const keys = Object.keys(object);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = object[key];
    if (value === undefined) continue;
    const r = rank[key] ?? layout.keys.length;
    if (r < last) fine = false;
    last = r;
    if (omit !== undefined && omit.has(key) && isEmpty(value)) fine = false;
    const layoutOfKey = children?.[key];
    if (layoutOfKey === undefined || key === opaque) continue;
    const done = child(value, layoutOfKey);
    if (done !== value) (changed ??= new Map()).set(key, done);
  }
  const always = layout.always;
  if (always !== undefined) { for (const key in always) if (object[key] === undefined) fine = false; }
  if (fine && changed === undefined) return object;
  const out: Record<string, unknown> = {};
  for (const key of layout.keys) {
    const value = changed?.has(key) ? changed.get(key) : object[key] ?? always?.[key];
    if (value === undefined || (omit?.has(key) && isEmpty(value))) continue;
    out[key] = value;
  }
  for (const key in object) {
    if (rank[key] === undefined && object[key] !== undefined) out[key] = changed?.get(key) ?? object[key];
  }
  return out;
}

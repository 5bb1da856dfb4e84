/**
 * Sprig's list, dictionary, default, JSON and type functions.
 *
 * @module
 */

import { charge } from "./gotemplate_budget.ts";
import type { TemplateFunction } from "./gotemplate_builtins.ts";
import { GoTime } from "./go_time.ts";
import { goString, isEmpty, plain, TemplateExecError, toJsonValue } from "./gotemplate_value.ts";
import { int, str } from "./sprig_text.ts";

type Dict = Record<string, unknown>;

function list(value: unknown): unknown[] {
  const v = plain(value);
  if (Array.isArray(v)) return v;
  if (v === undefined || v === null) return [];
  throw new TemplateExecError(`expected a list, got ${goString(value)}`);
}

function dict(value: unknown): Dict {
  const v = plain(value);
  if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Dict;
  throw new TemplateExecError(`expected a dict, got ${goString(value)}`);
}

/** Dicts made by the template (dict, fromJson, deepCopy, pick, omit): the only ones set, unset and merge may change. */
const made = new WeakSet<object>();

function own<T extends object>(value: T): T {
  made.add(value);
  return value;
}

/** The dict `value` for a change; the event is read-only to a template (other destinations format it too). */
function writable(value: unknown, fn: string): Dict {
  const target = dict(value);
  if (!made.has(target)) {
    throw new TemplateExecError(
      `${fn} changes only dicts the template made (dict, deepCopy): the event is read-only`,
    );
  }
  return target;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(toJsonValue(a)) === JSON.stringify(toJsonValue(b));
}

function range(start: number, stop: number, step: number): number[] {
  if (step === 0) return [];
  const count = Math.max(0, Math.ceil((stop - start) / step));
  charge(count);
  return Array.from({ length: count }, (_, i) => start + i * step);
}

// Sprig's seq follows the shell's: seq LAST, seq FIRST LAST, seq FIRST STEP LAST, counting up or down.
function seq(...args: unknown[]): string {
  const n = args.map(int);
  const [first, step, last] = n.length === 1
    ? [1, 1, n[0]]
    : n.length === 2
    ? [n[0], n[0] <= n[1] ? 1 : -1, n[1]]
    : [n[0], n[1], n[2]];
  if (step === 0 || (step > 0 && first > last) || (step < 0 && first < last)) return "";
  return range(first, last + (step > 0 ? 1 : -1), step).join(" ");
}

function chunk(size: unknown, value: unknown): unknown[][] {
  const n = int(size);
  const items = list(value);
  if (n < 1) throw new TemplateExecError(`chunk size must be at least 1, got ${n}`);
  const out: unknown[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}

function makeDict(...pairs: unknown[]): Dict {
  const out: Dict = own({});
  for (let i = 0; i < pairs.length; i += 2) out[str(pairs[i])] = pairs[i + 1] ?? "";
  return out;
}

function dig(...args: unknown[]): unknown {
  if (args.length < 3) throw new TemplateExecError("dig needs keys, a default and a dict");
  const keys = args.slice(0, -2).map(str);
  let current: unknown = dict(args[args.length - 1]);
  for (const key of keys) {
    const v = plain(current);
    if (typeof v !== "object" || v === null || !Object.hasOwn(v, key)) return args[args.length - 2];
    current = (v as Dict)[key];
  }
  return current;
}

function merge(overwrite: boolean) {
  return (target: unknown, ...sources: unknown[]): Dict => {
    const out = writable(target, overwrite ? "mergeOverwrite" : "merge");
    for (const source of sources) {
      for (const [key, value] of Object.entries(dict(source))) {
        if (overwrite || !Object.hasOwn(out, key) || isEmpty(out[key])) out[key] = value;
      }
    }
    return out;
  };
}

function toJson(indent: string, escapeHtml: boolean) {
  return (value: unknown): string => {
    const text = JSON.stringify(toJsonValue(value), null, indent) ?? "null";
    // encoding/json escapes <, > and & unless told otherwise (Sprig's toRawJson).
    return escapeHtml ? text.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`) : text;
  };
}

function fromJson(text: unknown): unknown {
  try {
    return ownDeep(JSON.parse(str(text)));
  } catch {
    return own({});
  }
}

/** Marks every dict inside a value the template made (parsed JSON, a deep copy) as its own. */
function ownDeep(value: unknown): unknown {
  if (Array.isArray(value)) value.forEach(ownDeep);
  else if (typeof value === "object" && value !== null) {
    own(value);
    Object.values(value).forEach(ownDeep);
  }
  return value;
}

function kindOf(value: unknown): string {
  const v = plain(value);
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float64";
  if (typeof v === "bigint") return "int64";
  if (Array.isArray(v)) return "slice";
  if (v instanceof GoTime) return "struct";
  if (v === null || v === undefined) return "invalid";
  return "map";
}

function typeOf(value: unknown): string {
  const kind = kindOf(value);
  if (kind === "slice") return "[]interface {}";
  if (kind === "map") return "map[string]interface {}";
  if (kind === "struct") return "time.Time";
  return kind === "invalid" ? "<nil>" : kind;
}

function uniq(value: unknown): unknown[] {
  const out: unknown[] = [];
  for (const item of list(value)) if (!out.some((o) => same(o, item))) out.push(item);
  return out;
}

/** Sprig's list, dict, default, JSON and type functions. */
export const SPRIG_DATA: Readonly<Record<string, TemplateFunction>> = {
  list: (...items) => items,
  tuple: (...items) => items,
  first: (l) => list(l)[0],
  rest: (l) => list(l).slice(1),
  last: (l) => list(l).at(-1),
  initial: (l) => list(l).slice(0, -1),
  append: (l, item) => [...list(l), item],
  push: (l, item) => [...list(l), item],
  prepend: (l, item) => [item, ...list(l)],
  concat: (...lists) => lists.flatMap(list),
  reverse: (l) => [...list(l)].reverse(),
  uniq,
  without: (l, ...items) => list(l).filter((x) => !items.some((i) => same(i, x))),
  has: (item, l) => list(l).some((x) => same(x, item)),
  compact: (l) => list(l).filter((x) => !isEmpty(x)),
  chunk,
  until: (n) => range(0, int(n), int(n) >= 0 ? 1 : -1),
  untilStep: (start, stop, step) => range(int(start), int(stop), int(step)),
  seq,
  sortAlpha: (l) => list(l).map(str).sort(),
  join: (sep, l) => (Array.isArray(plain(l)) ? list(l).map(str) : [str(l)]).join(str(sep)),
  toStrings: (l) => list(l).map(str),
  dict: makeDict,
  get: (d, key) => Object.hasOwn(dict(d), str(key)) ? dict(d)[str(key)] : "",
  set: (d, key, value) => Object.assign(writable(d, "set"), { [str(key)]: value }),
  unset: (d, key) => {
    const target = writable(d, "unset");
    delete target[str(key)];
    return target;
  },
  hasKey: (d, key) => Object.hasOwn(dict(d), str(key)),
  pluck: (key, ...dicts) => dicts.map(dict).filter((d) => Object.hasOwn(d, str(key))).map((d) => d[str(key)]),
  keys: (...dicts) => dicts.flatMap((d) => Object.keys(dict(d))),
  values: (d) => Object.values(dict(d)),
  pick: (d, ...keys) =>
    own(
      Object.fromEntries(keys.map(str).filter((k) => Object.hasOwn(dict(d), k)).map((k) => [k, dict(d)[k]])),
    ),
  omit: (d, ...keys) =>
    own(Object.fromEntries(Object.entries(dict(d)).filter(([k]) => !keys.map(str).includes(k)))),
  merge: merge(false),
  mergeOverwrite: merge(true),
  dig,
  deepCopy: (value) => ownDeep(structuredClone(toJsonValue(value))),
  default: (fallback, ...given) => given.length === 0 || isEmpty(given[0]) ? fallback : given[0],
  empty: (value) => isEmpty(value),
  coalesce: (...values) => values.find((v) => !isEmpty(v)),
  all: (...values) => values.every((v) => !isEmpty(v)),
  any: (...values) => values.some((v) => !isEmpty(v)),
  ternary: (whenTrue, whenFalse, condition) => plain(condition) === true ? whenTrue : whenFalse,
  fromJson,
  toJson: toJson("", true),
  toPrettyJson: toJson("  ", true),
  toRawJson: toJson("", false),
  mustToJson: toJson("", true),
  mustToPrettyJson: toJson("  ", true),
  mustToRawJson: toJson("", false),
  mustFromJson: (text) => {
    try {
      return ownDeep(JSON.parse(str(text)));
    } catch (error) {
      throw new TemplateExecError(`mustFromJson: ${(error as Error).message}`);
    }
  },
  kindOf,
  kindIs: (kind, value) => kindOf(value) === str(kind),
  typeOf,
  typeIs: (type, value) => typeOf(value) === str(type),
  deepEqual: (a, b) => same(a, b),
};

/**
 * The pieces of the replayed-event shape check (event_shape.ts): what a problem is and where it
 * lies, the checks of scalars and of lists of them, of an object with one known key, and of any
 * JSON value with its nesting bounded.
 *
 * @module
 */

/** How deeply a replayed event may nest (Tracee's deepest field is about 6 levels down). */
export const MAX_EVENT_DEPTH = 32;

/** What is wrong, and where: `at` lists the keys and indexes from the failing value up. */
export interface Problem {
  at: (string | number)[];
  message: string;
}

/** A check's answer: the problem, or undefined when the value is fine. */
export type Found = Problem | undefined;

/** A check of one value that holds no object to walk. */
export type Scalar = (value: unknown) => Found;

const INT64 = /^-?\d{1,19}$/;
const UINT64 = /^\d{1,20}$/;

/** What `value` is, in words: `null`, `a list`, `an object`, `a number`. */
export function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** A problem found at the value being checked. */
export const problem = (message: string): Problem => ({ at: [], message });

/** The problem of a value that is not `what`. */
export const expected = (what: string, value: unknown): Problem =>
  problem(`expected ${what}, got ${kind(value)}`);

/**
 * `found` (if any) as found under `key` of the value being checked. The path is only built on
 * the way back from a problem: valid events pay nothing for it.
 */
export function under(key: string | number, found: Found): Found {
  found?.at.push(key);
  return found;
}

/** True for a JSON object (not null, not a list). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Any JSON value `depth` levels into the event, as long as it nests no deeper than the limit. */
export function anyValue(value: unknown, depth: number): Found {
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

/** A string. */
export const text: Scalar = (value) => typeof value === "string" ? undefined : expected("a string", value);

/** `true` or `false`. */
export const bool: Scalar = (value) =>
  typeof value === "boolean" ? undefined : expected("true or false", value);

/** The least and greatest value of an integer type. */
type Range = readonly [number, number];

function integer(value: unknown, range: Range): Found {
  // Indexes, not destructuring: this runs for every integer of every replayed event.
  const min = range[0];
  const max = range[1];
  if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return undefined;
  return problem(
    `expected an integer from ${min} to ${max}, got ${typeof value === "number" ? value : kind(value)}`,
  );
}

const INT32: Range = [-0x8000_0000, 0x7fff_ffff];
const UINT32: Range = [0, 0xffff_ffff];

/** A signed 32-bit integer. */
export const int32: Scalar = (value) => integer(value, INT32);

/** An unsigned 32-bit integer. */
export const uint32: Scalar = (value) => integer(value, UINT32);

/** A signed 64-bit integer as a decimal string (as Tracee's protojson writes it). */
export const int64: Scalar = (value) =>
  typeof value === "string" && INT64.test(value)
    ? undefined
    : expected("a 64-bit integer as a decimal string", value);

/** An unsigned 64-bit integer as a decimal string. */
export const uint64: Scalar = (value) =>
  typeof value === "string" && UINT64.test(value)
    ? undefined
    : expected("an unsigned 64-bit integer as a decimal string", value);

/** A list of scalars, each checked by `item`. */
export function scalars(value: unknown, item: Scalar): Found {
  if (!Array.isArray(value)) return expected("a list", value);
  for (let i = 0; i < value.length; i++) {
    const found = item(value[i]);
    if (found !== undefined) return under(i, found);
  }
  return undefined;
}

/**
 * The check of an object whose one known key, `known`, is checked by `check`; its other keys are
 * any JSON. The check takes the object and how deep in the event it lies.
 */
export function oneKey(known: string, check: Scalar): (value: unknown, depth: number) => Found {
  return (value, depth) => {
    if (!isPlainObject(value)) return expected("an object", value);
    for (const key in value) {
      const found = key === known ? check(value[key]) : anyValue(value[key], depth + 1);
      if (found !== undefined) return under(key, found);
    }
    return undefined;
  };
}

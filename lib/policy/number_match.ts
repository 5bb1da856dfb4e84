/**
 * Integer comparisons on numbers or decimal strings (Tracee's int64/u_int64 travel as
 * strings). A matcher compiles to plain data tested by one function, {@link matchNumber};
 * strings too long to convert exactly are compared as decimal text, keeping all 64 bits.
 *
 * @module
 */

import { canonicalInteger, compareIntegers, type Operator } from "./expression.ts";

type Bound = "<" | ">" | "<=" | ">=";

/** The integer types of Tracee's fields, by their type keys. */
export type IntegerType = "int8" | "int16" | "int32" | "int64" | "u_int8" | "u_int16" | "u_int32" | "u_int64";

const signed = (bits: bigint): [bigint, bigint] => [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n];
const unsigned = (bits: bigint): [bigint, bigint] => [0n, (1n << bits) - 1n];

/** The values each integer type can hold. */
const RANGES: Record<IntegerType, readonly [bigint, bigint]> = {
  int8: signed(8n),
  int16: signed(16n),
  int32: signed(32n),
  int64: signed(64n),
  u_int8: unsigned(8n),
  u_int16: unsigned(16n),
  u_int32: unsigned(32n),
  u_int64: unsigned(64n),
};

/** True when `type` names an integer type. */
export function isIntegerType(type: string): type is IntegerType {
  return type in RANGES;
}

/** A number matcher as plain data. */
export interface NumberSpec {
  exact: number[];
  notExact: number[];
  /** Values must be above `min` (or equal, when `minInclusive`); -Infinity when unbounded. */
  min: number;
  minInclusive: boolean;
  max: number;
  maxInclusive: boolean;
  /** The same rules as canonical decimal text, for values longer than 15 digits. */
  text: { exact: ReadonlySet<string>; notExact: ReadonlySet<string>; bounds: { op: Bound; value: string }[] };
}

/** Whether `value` passes `spec`. */
export function matchNumber(spec: NumberSpec, value: number | string): boolean {
  if (typeof value === "string" && value.length > 15) return matchText(spec, canonicalInteger(value) ?? "");
  const n = typeof value === "number" ? value : Number(value);
  const exact = spec.exact;
  if (exact.length > 0) {
    let found = false;
    for (let i = 0; i < exact.length && !found; i++) found = exact[i] === n;
    if (!found) return false;
  }
  const notExact = spec.notExact;
  for (let i = 0; i < notExact.length; i++) if (notExact[i] === n) return false;
  if (n < spec.min || (n === spec.min && !spec.minInclusive)) return false;
  if (n > spec.max || (n === spec.max && !spec.maxInclusive)) return false;
  return true;
}

function matchText(spec: NumberSpec, text: string): boolean {
  const { exact, notExact, bounds } = spec.text;
  if (exact.size > 0 && !exact.has(text)) return false;
  if (notExact.has(text)) return false;
  for (const { op, value } of bounds) {
    const c = compareIntegers(text, value);
    if (
      (op === "<" && c >= 0) || (op === ">" && c <= 0) || (op === "<=" && c > 0) || (op === ">=" && c < 0)
    ) {
      return false;
    }
  }
  return true;
}

/**
 * Builds a {@link NumberSpec} from expressions on one field of integer type `type`: a value
 * the field cannot hold is a problem, not a filter that never matches.
 */
export class NumberMatcher {
  /** Exact values accepted by `=`, as canonical decimal strings. */
  readonly exact = new Set<string>();
  private readonly notExact = new Set<string>();
  private readonly bounds: { op: Bound; value: string }[] = [];
  private readonly parts: string[] = [];

  /** `type`: the field's integer type, whose range bounds every value. @default {"int64"} */
  constructor(readonly type: IntegerType = "int64") {}

  /** What the matcher accepts, as text: equal keys mean equal matchers. */
  get key(): string {
    return [...this.parts].sort().join("\0");
  }

  /** Adds one expression's values; returns a problem when a value is not an integer of the field's type. */
  add(op: Operator, values: string[]): string | undefined {
    const [min, max] = RANGES[this.type];
    for (const raw of values) {
      const value = canonicalInteger(raw);
      if (value === undefined) return `"${raw}" is not an integer`;
      const n = BigInt(value);
      if (n < min || n > max) return `${raw} is out of range for ${this.type} (${min} to ${max})`;
      if ((op === "<" && n === min) || (op === ">" && n === max)) {
        return `"${op}${raw}" selects nothing: ${this.type} has no value ${
          op === "<" ? "below" : "above"
        } ${raw}`;
      }
      this.parts.push(op + value);
      if (op === "=") this.exact.add(value);
      else if (op === "!=") this.notExact.add(value);
      else this.bounds.push({ op, value });
    }
    return undefined;
  }

  /** True when only exact `=` values were given. */
  get exactOnly(): boolean {
    return this.notExact.size === 0 && this.bounds.length === 0;
  }

  /** The `=` and `!=` values as numbers, or `undefined` when a range (`<`, `>`, ...) is part of it. */
  equalities(): { equal: number[]; notEqual: number[] } | undefined {
    if (this.bounds.length > 0) return undefined;
    return { equal: [...this.exact].map(Number), notEqual: [...this.notExact].map(Number) };
  }

  /** The matcher as data, for {@link matchNumber}; several bounds narrow to one interval. */
  compiled(): NumberSpec {
    const spec: NumberSpec = {
      exact: [...this.exact].map(Number),
      notExact: [...this.notExact].map(Number),
      min: -Infinity,
      minInclusive: true,
      max: Infinity,
      maxInclusive: true,
      text: { exact: this.exact, notExact: this.notExact, bounds: this.bounds },
    };
    for (const { op, value } of this.bounds) {
      const n = Number(value);
      const inclusive = op === ">=" || op === "<=";
      if (op === ">" || op === ">=") {
        if (n > spec.min || (n === spec.min && !inclusive)) [spec.min, spec.minInclusive] = [n, inclusive];
      } else if (n < spec.max || (n === spec.max && !inclusive)) {
        [spec.max, spec.maxInclusive] = [n, inclusive];
      }
    }
    return spec;
  }

  /** The compiled test as a function; `value` is a number or a decimal string. */
  test(): (value: number | string) => boolean {
    const spec = this.compiled();
    return (value) => matchNumber(spec, value);
  }
}

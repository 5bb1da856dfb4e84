/**
 * Integer comparisons on numbers or decimal strings (Tracee's int64/u_int64 travel as
 * strings). A matcher compiles to plain data tested by one function, {@link matchNumber};
 * strings too long to convert exactly are compared as decimal text, keeping all 64 bits.
 *
 * @module
 */

import { canonicalInteger, compareIntegers, type Operator } from "./expression.ts";

type Bound = "<" | ">" | "<=" | ">=";

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

/** Builds a {@link NumberSpec} from expressions on one field. */
export class NumberMatcher {
  /** Exact values accepted by `=`, as canonical decimal strings. */
  readonly exact = new Set<string>();
  private readonly notExact = new Set<string>();
  private readonly bounds: { op: Bound; value: string }[] = [];
  private readonly parts: string[] = [];

  /** What the matcher accepts, as text: equal keys mean equal matchers. */
  get key(): string {
    return [...this.parts].sort().join("\0");
  }

  /** Adds one expression's values; returns a problem when a value is not an integer. */
  add(op: Operator, values: string[]): string | undefined {
    for (const raw of values) {
      const value = canonicalInteger(raw);
      if (value === undefined) return `"${raw}" is not an integer`;
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

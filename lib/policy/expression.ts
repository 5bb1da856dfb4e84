/**
 * Tracee's filter expressions (`comm=bash`, `pid>=1000`, `data.pathname!=/tmp/*,/bin/ls`),
 * split into name, operator and values, and the value matchers built from them.
 *
 * Semantics, as Tracee documents them: values of one `=` are ORed; values of `!=`, `<`,
 * `>`, `<=`, `>=` are ANDed; several expressions on the same field are ANDed, except that
 * several `=` expressions on one field add to the same set of accepted values (as
 * `--scope pid=1 --scope pid=2` traces both pids).
 *
 * @module
 */

/** A comparison operator of a filter expression. */
export type Operator = "=" | "!=" | "<" | ">" | "<=" | ">=";

/** A parsed `name<op>values` expression. */
export interface Expression {
  name: string;
  op: Operator;
  values: string[];
}

/** Splits `text` at its first operator; returns a problem (string) when it has none or no value. */
export function parseExpression(text: string): Expression | string {
  const at = text.search(/[=!<>]/);
  if (at <= 0) return `"${text}" is not a NAME<op>VALUE expression (operators: = != < > <= >=)`;
  const name = text.slice(0, at).trim();
  const rest = text.slice(at);
  const op = (["!=", "<=", ">=", "=", "<", ">"] as const).find((o) => rest.startsWith(o));
  if (op === undefined) return `"${text}" has no valid operator (use = != < > <= >=)`;
  const valueText = rest.slice(op.length).trim();
  if (valueText === "") return `"${text}" has no value after "${op}"`;
  const values = valueText.split(",").map((v) => v.trim());
  if (values.some((v) => v === "")) return `"${text}" has an empty value in its comma list`;
  return { name, op, values };
}

/** Accepts or rejects one value. */
export type Test<V> = (value: V) => boolean;

/** String matching with Tracee's `*` globs at either end (prefix, suffix, contains). */
export class StringMatcher {
  /** Exact values accepted by `=`; when it is the only kind of rule, lookups can use a map. */
  readonly exact = new Set<string>();
  private readonly positive: Test<string>[] = [];
  private readonly negative: Test<string>[] = [];
  private readonly notExact = new Set<string>();
  private readonly parts: string[] = [];

  /** What the matcher accepts, as text: equal keys mean equal matchers. */
  get key(): string {
    return [...this.parts].sort().join("\0");
  }

  /** Adds one expression's values; returns a problem for an unsupported operator or value. */
  add(op: Operator, values: string[]): string | undefined {
    if (op !== "=" && op !== "!=") return `operator "${op}" does not apply to text; use = or !=`;
    for (const value of values) {
      this.parts.push(op + value);
      if (value === "*" || value === "**") return `"${value}" alone is not a valid pattern`;
      const glob = globTest(value);
      if (op === "=") {
        if (glob === undefined) this.exact.add(value);
        else this.positive.push(glob);
      } else if (glob === undefined) this.notExact.add(value);
      else this.negative.push(glob);
    }
    return undefined;
  }

  /** True when only exact `=` values were given (no globs, no negation). */
  get exactOnly(): boolean {
    return this.positive.length === 0 && this.negative.length === 0 && this.notExact.size === 0;
  }

  /** The compiled test. */
  test(): Test<string> {
    const positives = this.exact.size > 0 ? [memberTest(this.exact), ...this.positive] : [...this.positive];
    const negatives = this.notExact.size > 0
      ? [memberTest(this.notExact), ...this.negative]
      : [...this.negative];
    if (negatives.length === 0 && positives.length === 1) return positives[0];
    return (value: string): boolean => {
      if (positives.length > 0) {
        let found = false;
        for (let i = 0; i < positives.length && !found; i++) found = positives[i](value);
        if (!found) return false;
      }
      for (let i = 0; i < negatives.length; i++) if (negatives[i](value)) return false;
      return true;
    };
  }
}

/**
 * Membership in `values`. A few values are compared one by one: a string just parsed has
 * no hash yet, and comparing (length first) is cheaper than hashing it for a Set.
 */
export function memberTest(values: ReadonlySet<string>): Test<string> {
  const list = [...values];
  if (list.length === 1) {
    const only = list[0];
    return (v) => v === only;
  }
  if (list.length <= 8) {
    return (v) => {
      for (let i = 0; i < list.length; i++) if (list[i] === v) return true;
      return false;
    };
  }
  return (v) => values.has(v);
}

function globTest(pattern: string): Test<string> | undefined {
  const starts = pattern.startsWith("*");
  const ends = pattern.endsWith("*");
  if (starts && ends) {
    const inner = pattern.slice(1, -1);
    return (v) => v.includes(inner);
  }
  if (ends) {
    const prefix = pattern.slice(0, -1);
    return (v) => v.startsWith(prefix);
  }
  if (starts) {
    const suffix = pattern.slice(1);
    return (v) => v.endsWith(suffix);
  }
  return undefined;
}

/**
 * Integer comparisons on numbers or decimal strings (Tracee's int64/u_int64 travel as
 * strings; comparing them as decimal strings keeps all 64 bits exact without BigInt).
 */
export class NumberMatcher {
  /** Exact values accepted by `=`, as canonical decimal strings. */
  readonly exact = new Set<string>();
  private readonly notExact = new Set<string>();
  private readonly bounds: { op: "<" | ">" | "<=" | ">="; value: string }[] = [];
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

  /** The compiled test; `value` is a number or a decimal string. */
  test(): Test<number | string> {
    const exactText = this.exact;
    const notText = this.notExact;
    const bounds = this.bounds;
    const hasExact = exactText.size > 0;
    const exactNum = new Set([...exactText].map(Number));
    const notNum = new Set([...notText].map(Number));
    const numBounds = bounds.map((b) => ({ op: b.op, n: Number(b.value) }));
    // Strings of up to 15 digits convert to numbers exactly; longer ones compare as text.
    const exactTextTest = (text: string): boolean => {
      if (hasExact && !exactText.has(text)) return false;
      if (notText.has(text)) return false;
      for (const bound of bounds) if (!inBound(compareIntegers(text, bound.value), bound.op)) return false;
      return true;
    };
    return (value: number | string): boolean => {
      if (typeof value === "string" && value.length > 15) return exactTextTest(canonicalInteger(value) ?? "");
      const n = typeof value === "number" ? value : Number(value);
      if (hasExact && !exactNum.has(n)) return false;
      if (notNum.has(n)) return false;
      for (const bound of numBounds) {
        if (!inBound(n < bound.n ? -1 : n > bound.n ? 1 : 0, bound.op)) return false;
      }
      return true;
    };
  }
}

function inBound(comparison: number, op: "<" | ">" | "<=" | ">="): boolean {
  switch (op) {
    case "<":
      return comparison < 0;
    case ">":
      return comparison > 0;
    case "<=":
      return comparison <= 0;
    default:
      return comparison >= 0;
  }
}

/** `text` as a canonical decimal integer string (no `+`, no leading zeros), or undefined. */
export function canonicalInteger(text: string): string | undefined {
  const m = /^([+-]?)0*(\d+)$/.exec(text.trim());
  if (m === null) return undefined;
  const digits = m[2];
  return m[1] === "-" && digits !== "0" ? "-" + digits : digits;
}

/** Compares two canonical decimal integer strings: negative, zero or positive. */
export function compareIntegers(a: string, b: string): number {
  const negA = a.charCodeAt(0) === 45;
  const negB = b.charCodeAt(0) === 45;
  if (negA !== negB) return negA ? -1 : 1;
  let c: number;
  if (a.length !== b.length) c = a.length - b.length;
  else c = a < b ? -1 : a > b ? 1 : 0;
  return negA ? -c : c;
}

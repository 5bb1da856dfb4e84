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

const OPERATORS: readonly string[] = ["=", "!=", "<", ">", "<=", ">="];
const OPERATOR_CHAR = /[=!<>]/;

/** True when `text` starts or ends with whitespace. */
function paddedBySpace(text: string): boolean {
  return /^\s|\s$/.test(text);
}

/**
 * Splits `text` at its first operator, with Tracee's rules: the operator is the operator
 * characters among the first two from there (so `==`, `=!` and `!` are bad operators, not an
 * operator and a value starting with one), a value must follow, and no whitespace may
 * surround the name or a value. Returns a problem (string, to follow the expression's text)
 * when `text` breaks one.
 */
export function parseExpression(text: string): Expression | string {
  const at = text.search(OPERATOR_CHAR);
  if (at < 0) return "not a NAME<op>VALUE expression (operators: = != < > <= >=)";
  const name = text.slice(0, at);
  if (name === "") return "no field name before the operator";
  if (paddedBySpace(name)) return `remove the whitespace around the name "${name}"`;
  const length = OPERATOR_CHAR.test(text[at + 1] ?? "") ? 2 : 1;
  const op = text.slice(at, at + length);
  if (!OPERATORS.includes(op)) return `"${op}" is not an operator (use = != < > <= >=)`;
  const valueText = text.slice(at + length);
  if (valueText === "") return `no value after "${op}"`;
  const values = valueText.split(",");
  if (values.some((v) => v === "")) return "an empty value in the comma list";
  const padded = values.find(paddedBySpace);
  if (padded !== undefined) return `remove the whitespace around the value "${padded}"`;
  return { name, op: op as Operator, values };
}

/** Accepts or rejects one value. */
export type Test<V> = (value: V) => boolean;

/**
 * A string matcher as plain data, so that one monomorphic function ({@link matchString})
 * tests every matcher: exact values, `*` globs (prefix, suffix, contains) and their negations.
 */
export interface StringSpec {
  exact: string[];
  prefixes: string[];
  suffixes: string[];
  contains: string[];
  notExact: string[];
  notPrefixes: string[];
  notSuffixes: string[];
  notContains: string[];
  /** `exact` as a Set when it is long enough for hashing to pay. */
  exactSet: ReadonlySet<string> | undefined;
  /** Whether any `=` value was given: then one of them must match. */
  positive: boolean;
}

/** Whether `value` passes `spec`: one `=` value matches (if any) and no `!=` value does. */
export function matchString(spec: StringSpec, value: string): boolean {
  if (spec.positive) {
    if (
      !(spec.exactSet === undefined ? includes(spec.exact, value) : spec.exactSet.has(value)) &&
      !anyPrefix(spec.prefixes, value) && !anySuffix(spec.suffixes, value) &&
      !anyContained(spec.contains, value)
    ) return false;
  }
  return !includes(spec.notExact, value) && !anyPrefix(spec.notPrefixes, value) &&
    !anySuffix(spec.notSuffixes, value) && !anyContained(spec.notContains, value);
}

// Compared one by one: a string just parsed has no hash yet, and comparing (length first)
// is cheaper than hashing it for a Set, for the few values a filter has.
function includes(list: string[], value: string): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] === value) return true;
  return false;
}

function anyPrefix(list: string[], value: string): boolean {
  for (let i = 0; i < list.length; i++) if (value.startsWith(list[i])) return true;
  return false;
}

function anySuffix(list: string[], value: string): boolean {
  for (let i = 0; i < list.length; i++) if (value.endsWith(list[i])) return true;
  return false;
}

function anyContained(list: string[], value: string): boolean {
  for (let i = 0; i < list.length; i++) if (value.includes(list[i])) return true;
  return false;
}

/** Builds a {@link StringSpec} from expressions on one field. */
export class StringMatcher {
  /** Exact values accepted by `=`; when they are the only rule, lookups can share a map. */
  readonly exact = new Set<string>();
  private readonly spec: StringSpec = {
    exact: [],
    prefixes: [],
    suffixes: [],
    contains: [],
    notExact: [],
    notPrefixes: [],
    notSuffixes: [],
    notContains: [],
    exactSet: undefined,
    positive: false,
  };
  private readonly parts: string[] = [];

  /** What the matcher accepts, as text: equal keys mean equal matchers. */
  get key(): string {
    return [...this.parts].sort().join("\0");
  }

  /** Adds one expression's values; returns a problem for an unsupported operator or value. */
  add(op: Operator, values: string[]): string | undefined {
    if (op !== "=" && op !== "!=") return `operator "${op}" does not apply to text; use = or !=`;
    const s = this.spec;
    for (const value of values) {
      this.parts.push(op + value);
      if (value === "*" || value === "**") return `"${value}" alone is not a valid pattern`;
      const starts = value.startsWith("*");
      const ends = value.endsWith("*");
      const positive = op === "=";
      if (starts && ends) (positive ? s.contains : s.notContains).push(value.slice(1, -1));
      else if (ends) (positive ? s.prefixes : s.notPrefixes).push(value.slice(0, -1));
      else if (starts) (positive ? s.suffixes : s.notSuffixes).push(value.slice(1));
      else if (positive) this.exact.add(value);
      else s.notExact.push(value);
      s.positive ||= positive;
    }
    return undefined;
  }

  /** True when only exact `=` values were given (no globs, no negation). */
  get exactOnly(): boolean {
    const s = this.spec;
    return s.prefixes.length + s.suffixes.length + s.contains.length + s.notExact.length +
        s.notPrefixes.length + s.notSuffixes.length + s.notContains.length === 0;
  }

  /** The `=` and `!=` values, or `undefined` when a pattern (`*`) is part of it. */
  equalities(): { equal: string[]; notEqual: string[] } | undefined {
    const s = this.spec;
    const patterns = s.prefixes.length + s.suffixes.length + s.contains.length + s.notPrefixes.length +
      s.notSuffixes.length + s.notContains.length;
    return patterns > 0 ? undefined : { equal: [...this.exact], notEqual: [...s.notExact] };
  }

  /** The matcher as data, for {@link matchString}. */
  compiled(): StringSpec {
    const exact = [...this.exact];
    return { ...this.spec, exact, exactSet: exact.length > 8 ? this.exact : undefined };
  }

  /** The compiled test as a function. */
  test(): Test<string> {
    const spec = this.compiled();
    return (value) => matchString(spec, value);
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

/**
 * Go text/template's own functions (`and or not len index slice print printf println eq ne lt
 * le gt ge`, `html js urlquery`) and `json`, with Go's `fmt.Sprintf` for the verbs templates use.
 *
 * @module
 */

import { charge } from "./gotemplate_budget.ts";
import { goString, isEmpty, plain, TemplateExecError, toJsonValue } from "./gotemplate_value.ts";

/** A template function. */
export type TemplateFunction = (...args: unknown[]) => unknown;

function numeric(value: unknown): number | bigint | undefined {
  const v = plain(value);
  return typeof v === "number" || typeof v === "bigint" ? v : undefined;
}

function compare(a: unknown, b: unknown): number {
  const [na, nb] = [numeric(a), numeric(b)];
  if (na !== undefined && nb !== undefined) return na < nb ? -1 : na > nb ? 1 : 0;
  const [sa, sb] = [plain(a), plain(b)];
  if (typeof sa === "string" && typeof sb === "string") return sa < sb ? -1 : sa > sb ? 1 : 0;
  throw new TemplateExecError(`incompatible types for comparison: ${goString(a)} and ${goString(b)}`);
}

function equal(a: unknown, ...others: unknown[]): boolean {
  if (others.length === 0) throw new TemplateExecError("missing argument for comparison");
  return others.some((b) => {
    const [pa, pb] = [plain(a), plain(b)];
    if (pa === null || pa === undefined || pb === null || pb === undefined) return pa == pb;
    if (typeof pa === "boolean" || typeof pb === "boolean") {
      if (typeof pa !== typeof pb) throw new TemplateExecError(`incompatible types for comparison`);
      return pa === pb;
    }
    return compare(pa, pb) === 0;
  });
}

function lengthOf(value: unknown): number {
  const v = plain(value);
  if (typeof v === "string" || Array.isArray(v)) return v.length;
  if (v !== null && typeof v === "object") return Object.keys(v).length;
  throw new TemplateExecError(`len of ${goString(value)}`);
}

function indexOf(value: unknown, ...keys: unknown[]): unknown {
  let current = plain(value);
  for (const key of keys) {
    const k = plain(key);
    if (Array.isArray(current) || typeof current === "string") {
      if (typeof k !== "number" || k < 0 || k >= current.length) {
        throw new TemplateExecError(`index out of range: ${goString(key)}`);
      }
      current = current[k];
    } else if (current !== null && typeof current === "object") {
      current = (current as Record<string, unknown>)[String(k)];
    } else {
      throw new TemplateExecError(`can't index item of type ${current === null ? "nil" : typeof current}`);
    }
  }
  return current;
}

function sliceOf(value: unknown, ...bounds: unknown[]): unknown {
  const v = plain(value);
  if (typeof v !== "string" && !Array.isArray(v)) {
    throw new TemplateExecError(`can't slice ${goString(value)}`);
  }
  const [start = 0, end = v.length] = bounds.map((b) => Number(plain(b)));
  if (start < 0 || end > v.length || start > end) {
    throw new TemplateExecError(`slice index out of range: ${start}:${end} of length ${v.length}`);
  }
  return v.slice(start, end);
}

function pad(text: string, width: number, left: boolean, zero: boolean): string {
  if (text.length >= width) return text;
  charge(width);
  if (left) return text.padEnd(width);
  if (zero && /^[+-]/.test(text)) return text[0] + text.slice(1).padStart(width - 1, "0");
  return zero ? text.padStart(width, "0") : text.padStart(width);
}

function quoted(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
}

function verbText(verb: string, arg: unknown, precision: number | undefined): string {
  const v = plain(arg);
  // Go applies a verb to each element of a slice: %q of ["a" "b"] is ["a" "b"].
  if (Array.isArray(v) && verb !== "v" && verb !== "T") {
    return `[${v.map((item) => verbText(verb, item, precision)).join(" ")}]`;
  }
  switch (verb) {
    case "d":
      return typeof v === "number"
        ? Math.trunc(v).toString()
        : typeof v === "bigint"
        ? String(v)
        : bad(verb, arg);
    case "f":
    case "F":
      return typeof v === "number" ? v.toFixed(precision ?? 6) : bad(verb, arg);
    case "e":
      return typeof v === "number"
        ? v.toExponential(precision ?? 6).replace(/e([+-])(\d)$/, "e$10$2")
        : bad(verb, arg);
    case "x":
    case "X": {
      const hex = typeof v === "number" || typeof v === "bigint"
        ? v.toString(16)
        : [...new TextEncoder().encode(String(v))].map((b) => b.toString(16).padStart(2, "0")).join("");
      return verb === "X" ? hex.toUpperCase() : hex;
    }
    case "o":
      return typeof v === "number" || typeof v === "bigint" ? v.toString(8) : bad(verb, arg);
    case "b":
      return typeof v === "number" || typeof v === "bigint" ? v.toString(2) : bad(verb, arg);
    case "q":
      return typeof v === "number" ? `'${codePoint(v)}'` : quoted(goString(arg));
    case "c":
      return typeof v === "number" ? codePoint(v) : bad(verb, arg);
    case "t":
      return typeof v === "boolean" ? String(v) : bad(verb, arg);
    case "T":
      return typeof v === "string" ? "string" : typeof v === "number" ? "int" : typeof v;
    default: {
      const text = goString(arg);
      return precision !== undefined && verb === "s" ? text.slice(0, precision) : text;
    }
  }
}

// Go prints an invalid code point as the replacement character rather than failing.
function codePoint(n: number): string {
  return Number.isInteger(n) && n >= 0 && n <= 0x10ffff && (n < 0xd800 || n > 0xdfff)
    ? String.fromCodePoint(n)
    : "\ufffd";
}

function bad(verb: string, arg: unknown): string {
  return `%!${verb}(${typeof plain(arg) === "string" ? "string" : "value"}=${goString(arg)})`;
}

/** Go's `fmt.Sprintf` for the verbs templates use: v s d f e x X o b q c t T and %%. */
export function sprintf(format: string, ...args: unknown[]): string {
  let next = 0;
  const out = format.replace(
    /%([-0+ #]*)(\d*)(?:\.(\d+))?([vsdfFexXobqctT%])/g,
    (_m, flags: string, w, p, verb) => {
      if (verb === "%") return "%";
      if (next >= args.length) return `%!${verb}(MISSING)`;
      const arg = args[next++];
      let text = verbText(verb, arg, p === undefined ? undefined : Number(p));
      const n = plain(arg);
      if (flags.includes("+") && typeof n === "number" && n >= 0 && "dfe".includes(verb)) text = "+" + text;
      return pad(text, Number(w || 0), flags.includes("-"), flags.includes("0"));
    },
  );
  const extra = args.slice(next);
  return extra.length === 0 ? out : `${out}%!(EXTRA ${extra.map((a) => goString(a)).join(", ")})`;
}

function print(...args: unknown[]): string {
  // Go's fmt.Sprint puts a space between two operands when neither is a string.
  return args.map((a, i) =>
    (i > 0 && typeof plain(a) !== "string" && typeof plain(args[i - 1]) !== "string" ? " " : "") + goString(a)
  ).join("");
}

const HTML_ESCAPES: Record<string, string> = {
  "<": "&lt;",
  ">": "&gt;",
  "&": "&amp;",
  "'": "&#39;",
  '"': "&#34;",
};

/** Go's built-in template functions, and `json`. */
export const BUILTINS: Readonly<Record<string, TemplateFunction>> = {
  and: (...args) => args.find(isEmpty) ?? args[args.length - 1],
  or: (...args) => args.find((a) => !isEmpty(a)) ?? args[args.length - 1],
  not: (a) => isEmpty(a),
  len: lengthOf,
  index: indexOf,
  slice: sliceOf,
  print,
  println: (...args) => args.map((a) => goString(a)).join(" ") + "\n",
  printf: (format, ...args) => sprintf(String(plain(format)), ...args),
  eq: equal,
  ne: (a, b) => !equal(a, b),
  lt: (a, b) => compare(a, b) < 0,
  le: (a, b) => compare(a, b) <= 0,
  gt: (a, b) => compare(a, b) > 0,
  ge: (a, b) => compare(a, b) >= 0,
  html: (...args) => print(...args).replace(/[<>&'"]/g, (c) => HTML_ESCAPES[c]),
  js: (...args) =>
    JSON.stringify(print(...args)).slice(1, -1).replace(
      /[<>&'=]/g,
      (c) => `\\u00${c.charCodeAt(0).toString(16).toUpperCase()}`,
    ),
  urlquery: (...args) => encodeURIComponent(print(...args)).replace(/%20/g, "+"),
  json: (value) => JSON.stringify(toJsonValue(value)),
};

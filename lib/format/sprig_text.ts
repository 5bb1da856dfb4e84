/**
 * Sprig's string, regular-expression and encoding functions, with Sprig's argument order
 * (the string last, so `{{ .name | trunc 5 }}` works).
 *
 * @module
 */

import { createHash } from "node:crypto";
import { charge } from "./gotemplate_budget.ts";
import type { TemplateFunction } from "./gotemplate_builtins.ts";
import { goString, plain, TemplateExecError } from "./gotemplate_value.ts";

/** Sprig's `toString`: a string as it is, anything else as Go prints it; nil is "". */
export function str(value: unknown): string {
  const v = plain(value);
  if (typeof v === "string") return v;
  if (v === undefined || v === null) return "";
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return goString(v, false);
}

/** Sprig's `toInt64`-style conversion used for counts and widths. */
export function int(value: unknown): number {
  const v = plain(value);
  if (typeof v === "number") return Math.trunc(v);
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") {
    const n = Number(v.trim());
    return Number.isFinite(n) && v.trim() !== "" ? Math.trunc(n) : 0;
  }
  return 0;
}

function words(s: string): string[] {
  return s.split(/[\s_\-]+|(?<=[a-z0-9])(?=[A-Z])/).filter((w) => w !== "");
}

function regex(pattern: unknown): RegExp {
  try {
    // Go's RE2 and JavaScript agree on the common syntax; (?P<name>) is Go's spelling of (?<name>).
    return new RegExp(str(pattern).replace(/\(\?P</g, "(?<"), "g");
  } catch (error) {
    throw new TemplateExecError(
      `bad regular expression ${JSON.stringify(str(pattern))}: ${(error as Error).message}`,
    );
  }
}

function limited(list: string[], n: unknown): string[] {
  const count = int(n);
  return count < 0 ? list : list.slice(0, count);
}

function splitN(s: string, sep: string, n: number): string[] {
  if (n < 0) return s.split(sep);
  if (n === 0) return [];
  const parts = s.split(sep);
  return parts.length <= n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function indexed(parts: string[]): Record<string, string> {
  return Object.fromEntries(parts.map((part, i) => [`_${i}`, part]));
}

function repeat(count: unknown, s: unknown): string {
  const n = Math.max(0, int(count));
  const text = str(s);
  charge(n * text.length);
  return text.repeat(n);
}

function substr(start: unknown, end: unknown, s: unknown): string {
  const text = str(s);
  const [a, b] = [int(start), int(end)];
  if (a < 0) return text.slice(0, b);
  if (b < 0 || b > text.length) return text.slice(a);
  return text.slice(a, b);
}

function trunc(count: unknown, s: unknown): string {
  const text = str(s);
  const c = int(count);
  if (c < 0 && text.length + c > 0) return text.slice(text.length + c);
  if (c >= 0 && text.length > c) return text.slice(0, c);
  return text;
}

function abbrev(width: unknown, s: unknown): string {
  const text = str(s);
  const w = int(width);
  if (w < 4 || text.length <= w) return text;
  return text.slice(0, w - 3) + "...";
}

function wrapWith(width: unknown, sep: unknown, s: unknown): string {
  const limit = Math.max(1, int(width));
  return str(s).split("\n").map((line) => {
    const out: string[] = [];
    let current = "";
    for (const word of line.split(" ")) {
      if (current !== "" && current.length + 1 + word.length > limit) {
        out.push(current);
        current = word;
      } else current = current === "" ? word : `${current} ${word}`;
    }
    out.push(current);
    return out.join(str(sep));
  }).join("\n");
}

function indent(spaces: unknown, s: unknown): string {
  const pad = " ".repeat(Math.max(0, int(spaces)));
  charge(pad.length);
  return pad + str(s).replaceAll("\n", "\n" + pad);
}

function quoteEach(quote: (s: string) => string) {
  return (...args: unknown[]) =>
    args.filter((a) => plain(a) !== undefined && plain(a) !== null).map((a) => quote(str(a))).join(" ");
}

function title(s: unknown): string {
  return str(s).replace(
    /(^|[^\p{L}\p{N}_'])(\p{L})/gu,
    (_m, before, letter) => before + letter.toUpperCase(),
  );
}

function swapcase(s: unknown): string {
  return [...str(s)].map((c) => c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()).join("");
}

function b32(bytes: Uint8Array): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const b of bytes) bits += b.toString(2).padStart(8, "0");
  let out = "";
  for (let i = 0; i < bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5).padEnd(5, "0"), 2)];
  return out.padEnd(Math.ceil(out.length / 8) * 8, "=");
}

function adler32(s: unknown): string {
  let a = 1;
  let b = 0;
  for (const byte of new TextEncoder().encode(str(s))) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return String(((b << 16) | a) >>> 0);
}

/** Sprig's string functions. */
export const SPRIG_TEXT: Readonly<Record<string, TemplateFunction>> = {
  trim: (s) => str(s).trim(),
  trimAll: (cut, s) => {
    const set = new Set(str(cut));
    const chars = [...str(s)];
    let [a, b] = [0, chars.length];
    while (a < b && set.has(chars[a])) a++;
    while (b > a && set.has(chars[b - 1])) b--;
    return chars.slice(a, b).join("");
  },
  trimPrefix: (prefix, s) => str(s).startsWith(str(prefix)) ? str(s).slice(str(prefix).length) : str(s),
  trimSuffix: (suffix, s) =>
    str(suffix) !== "" && str(s).endsWith(str(suffix)) ? str(s).slice(0, -str(suffix).length) : str(s),
  upper: (s) => str(s).toUpperCase(),
  lower: (s) => str(s).toLowerCase(),
  title,
  untitle: (s) => str(s).replace(/(^|\s)(\S)/g, (_m, before, letter) => before + letter.toLowerCase()),
  repeat,
  substr,
  nospace: (s) => str(s).replace(/\s+/g, ""),
  trunc,
  abbrev,
  initials: (s) => str(s).split(/\s+/).filter((w) => w !== "").map((w) => [...w][0]).join(""),
  wrap: (width, s) => wrapWith(width, "\n", s),
  wrapWith,
  contains: (sub, s) => str(s).includes(str(sub)),
  hasPrefix: (prefix, s) => str(s).startsWith(str(prefix)),
  hasSuffix: (suffix, s) => str(s).endsWith(str(suffix)),
  quote: quoteEach((s) => JSON.stringify(s)),
  squote: quoteEach((s) => `'${s}'`),
  cat: (...args) => args.filter((a) => plain(a) !== undefined && plain(a) !== null).map(str).join(" "),
  indent,
  nindent: (spaces, s) => "\n" + indent(spaces, s),
  replace: (old, replacement, s) => str(s).replaceAll(str(old), str(replacement)),
  plural: (one, many, count) => int(count) === 1 ? str(one) : str(many),
  snakecase: (s) => words(str(s)).map((w) => w.toLowerCase()).join("_"),
  camelcase: (s) => words(str(s)).map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join(""),
  kebabcase: (s) => words(str(s)).map((w) => w.toLowerCase()).join("-"),
  swapcase,
  regexMatch: (pattern, s) => regex(pattern).test(str(s)),
  regexFind: (pattern, s) => str(s).match(regex(pattern))?.[0] ?? "",
  regexFindAll: (pattern, s, n) => limited(str(s).match(regex(pattern)) ?? [], n),
  regexReplaceAll: (pattern, s, repl) =>
    str(s).replace(regex(pattern), str(repl).replace(/\$\{(\w+)\}/g, "$$<$1>").replace(/\$<(\d+)>/g, "$$$1")),
  regexReplaceAllLiteral: (pattern, s, repl) => str(s).replace(regex(pattern), () => str(repl)),
  regexSplit: (pattern, s, n) => {
    const count = int(n);
    const parts = str(s).split(regex(pattern));
    return count < 0 || parts.length <= count ? parts : parts.slice(0, count);
  },
  regexQuoteMeta: (s) => str(s).replace(/[\\.+*?()|[\]{}^$]/g, "\\$&"),
  splitList: (sep, s) => str(s).split(str(sep)),
  split: (sep, s) => indexed(str(s).split(str(sep))),
  splitn: (sep, n, s) => indexed(splitN(str(s), str(sep), int(n))),
  toString: str,
  b64enc: (s) => btoa(String.fromCharCode(...new TextEncoder().encode(str(s)))),
  b64dec: (s) => {
    try {
      return new TextDecoder().decode(Uint8Array.from(atob(str(s)), (c) => c.charCodeAt(0)));
    } catch {
      return "illegal base64 data";
    }
  },
  b32enc: (s) => b32(new TextEncoder().encode(str(s))),
  adler32sum: adler32,
  sha1sum: (s) => createHash("sha1").update(str(s)).digest("hex"),
  sha256sum: (s) => createHash("sha256").update(str(s)).digest("hex"),
};

/**
 * Table cells that cannot be turned against the terminal or the layout: control characters,
 * escape sequences and invisible format characters shown as escapes (`\n`, `\x1b`,
 * `\u202e`), widths counted in terminal columns (a wide character takes two), and a cell
 * longer than its column cut with a mark.
 *
 * @module
 */

/** Appended to a cell that was cut. */
export const CUT_MARK = "...";

// C0 and C1 controls, DEL, the backslash (so an escape in the text cannot pose as one of
// ours), and characters that change how others display: bidi overrides and isolates,
// zero-width joiners and spaces, line and paragraph separators, the BOM.
const UNSAFE =
  // deno-lint-ignore no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\\\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\t": "\\t", "\r": "\\r", "\\": "\\\\" };

/** A character other than printable ASCII, or a backslash: text without one needs no escaping. */
const NOT_PLAIN = /[^\x20-\x5b\x5d-\x7e]/;

/** `text` with every unsafe character escaped, Go `%q` style: `\n`, `\t`, `\x1b`, `\u202e`, `\\`. */
export function escapeCell(text: string): string {
  // Most values are plain ASCII: one test is far cheaper than the replacement.
  if (!NOT_PLAIN.test(text)) return text;
  return text.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named !== undefined) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

// East Asian wide and fullwidth ranges and the emoji blocks: two terminal columns each.
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x23e9, 0x23ec],
  [0x25fd, 0x25fe],
  [0x2614, 0x2615],
  [0x2648, 0x2653],
  [0x26a1, 0x26a1],
  [0x26aa, 0x26ab],
  [0x26bd, 0x26be],
  [0x26c4, 0x26c5],
  [0x26d4, 0x26d4],
  [0x26ea, 0x26ea],
  [0x26f2, 0x26f5],
  [0x26fa, 0x26fd],
  [0x2705, 0x2705],
  [0x270a, 0x270b],
  [0x2728, 0x2728],
  [0x274c, 0x274c],
  [0x2753, 0x2755],
  [0x2795, 0x2797],
  [0x2b1b, 0x2b1c],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f004, 0x1f004],
  [0x1f0cf, 0x1f0cf],
  [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a],
  [0x1f200, 0x1f251],
  [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f7e0, 0x1f7eb],
  [0x1f90c, 0x1f9ff],
  [0x1fa70, 0x1faff],
  [0x20000, 0x3fffd],
];

const ZERO_WIDTH = /[\p{Mn}\p{Me}]/u;

/** Terminal columns of one character (a code point): 0 for combining marks, 2 for wide ones, else 1. */
export function charWidth(char: string): number {
  if (ZERO_WIDTH.test(char)) return 0;
  const code = char.codePointAt(0)!;
  if (code < 0x1100) return 1;
  for (const [from, to] of WIDE) {
    if (code < from) return 1;
    if (code <= to) return 2;
  }
  return 1;
}

/** A character from the first combining mark (U+0300) up: below it every character is one column wide. */
const NOT_NARROW = /[\u0300-\uffff]/;

/** Terminal columns of `text` (already escaped). */
export function displayWidth(text: string): number {
  const i = text.search(NOT_NARROW);
  if (i < 0) return text.length;
  let width = i;
  for (const char of text.slice(i)) width += charWidth(char);
  return width;
}

/** `text` cut to at most `columns` terminal columns, with {@link CUT_MARK} when anything was left out. */
export function cutToWidth(text: string, columns: number): string {
  if (displayWidth(text) <= columns) return text;
  const room = columns - CUT_MARK.length;
  let out = "";
  let width = 0;
  for (const char of text) {
    const w = charWidth(char);
    if (width + w > room) break;
    out += char;
    width += w;
  }
  return out + CUT_MARK;
}

/** `text` padded with spaces to `columns` terminal columns (Go's `%-Ns` by columns rather than bytes). */
export function padToWidth(text: string, columns: number): string {
  return padTo(text, displayWidth(text), columns);
}

// Padding for every column width, made once.
const SPACES = Array.from({ length: 33 }, (_, n) => " ".repeat(n));

/** `text`, `width` columns wide, padded with spaces to `columns`. */
export function padTo(text: string, width: number, columns: number): string {
  if (width >= columns) return text;
  const missing = columns - width;
  return text + (missing < SPACES.length ? SPACES[missing] : " ".repeat(missing));
}

/** A fixed-width column's cell: escaped, cut to the column with a mark, padded to it. */
export function cell(text: string, columns: number): string {
  return padToWidth(cutToWidth(escapeCell(text), columns), columns);
}

/** Entries a {@link CellCache} keeps before it starts over: bounds memory whatever the input. */
const CACHE_MAX = 4096;

/**
 * The cells of one column by value, for the columns whose values repeat (process names, event
 * names, user ids): each distinct value is escaped and measured once, not once per event.
 */
export class CellCache<T extends string | number> {
  readonly #cells = new Map<T, string>();
  readonly #make: (value: T) => string;

  /** `make` turns a value into its cell; it must be pure, as a cell is reused for every equal value. */
  constructor(make: (value: T) => string) {
    this.#make = make;
  }

  /** The cell of `value`. */
  get(value: T): string {
    let text = this.#cells.get(value);
    if (text === undefined) {
      text = this.#make(value);
      if (this.#cells.size >= CACHE_MAX) this.#cells.clear();
      this.#cells.set(value, text);
    }
    return text;
  }
}

import assert from "node:assert/strict";
import {
  CellCache,
  charWidth,
  displayWidth,
  escapeCell,
  padTo,
  padToWidth,
} from "../lib/format/table_cells.ts";

Deno.test("display width: plain text by its length, anything from U+0300 up character by character", () => {
  const slow = (text: string) => [...text].reduce((n, c) => n + charWidth(c), 0);
  for (
    const text of [
      "",
      "bash",
      "é~\u02ff",
      "e\u0301",
      "ab\u0300",
      "日本語",
      "x😀y",
      "\u1100a",
      "\uff01",
      "\ud800",
    ]
  ) {
    assert.equal(displayWidth(text), slow(text), JSON.stringify(text));
  }
  assert.equal(displayWidth("e\u0301"), 1);
  assert.equal(displayWidth("x😀y"), 4);
});

Deno.test("escaping: plain printable ASCII comes back as it is; a backslash or a control is escaped", () => {
  const plain = "pathname: /usr/lib/x86_64-linux-gnu/libc.so.6, flags: O_RDONLY|O_CLOEXEC ~";
  assert.equal(escapeCell(plain), plain);
  assert.equal(escapeCell("a\\b"), "a\\\\b");
  assert.equal(escapeCell("\x7f\x1f "), "\\x7f\\x1f ");
  assert.equal(escapeCell("caf\u00e9\u200b"), "caf\u00e9\\u200b");
});

Deno.test("padding: to the column, never cut, wider than the spaces made once", () => {
  assert.equal(padTo("ab", 2, 5), "ab   ");
  assert.equal(padTo("abcdef", 6, 5), "abcdef");
  assert.equal(padTo("", 0, 40), " ".repeat(40));
  assert.equal(padToWidth("日本", 6), "日本  ");
});

Deno.test("a cell cache makes each value's cell once and stays right past its bound", () => {
  let made = 0;
  const cells = new CellCache<number>((n) => {
    made++;
    return `<${n}>`;
  });
  assert.equal(cells.get(1), "<1>");
  assert.equal(cells.get(1), "<1>");
  assert.equal(made, 1);
  for (let n = 0; n < 10_000; n++) assert.equal(cells.get(n), `<${n}>`);
  assert.equal(cells.get(1), "<1>");
});

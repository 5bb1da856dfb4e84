import assert from "node:assert/strict";
import { escapeHelp, escapeLabelValue, exposition, formatValue } from "../lib/server/exposition.ts";
import { parseExposition, sampleValue } from "./_prometheus.ts";

Deno.test("exposition: HELP and TYPE once per family, then its samples, newline at the end", () => {
  const text = exposition([
    {
      name: "a_total",
      help: "As.",
      type: "counter",
      samples: [{ labels: { k: "x" }, value: 1 }, { labels: { k: "y" }, value: 2 }],
    },
    { name: "b", help: "B.", type: "gauge", samples: [{ value: 0.5 }] },
  ]);
  assert.equal(
    text,
    [
      "# HELP a_total As.",
      "# TYPE a_total counter",
      'a_total{k="x"} 1',
      'a_total{k="y"} 2',
      "# HELP b B.",
      "# TYPE b gauge",
      "b 0.5",
      "",
    ].join("\n"),
  );
  const parsed = parseExposition(text);
  assert.equal(parsed.types.get("a_total"), "counter");
  assert.equal(sampleValue(parsed, "a_total", { k: "y" }), 2);
});

Deno.test("exposition: label values and help escape backslash, quote and newline; the parser reads them back", () => {
  const nasty = 'C:\\dir "quoted"\nnext';
  assert.equal(escapeLabelValue(nasty), 'C:\\\\dir \\"quoted\\"\\nnext');
  assert.equal(escapeHelp('a\\b\n"c"'), 'a\\\\b\\n"c"');
  const text = exposition([{
    name: "m",
    help: "two\nlines \\",
    type: "gauge",
    samples: [{ labels: { path: nasty }, value: 3 }],
  }]);
  const parsed = parseExposition(text);
  assert.equal(parsed.help.get("m"), "two\nlines \\");
  assert.equal(sampleValue(parsed, "m", { path: nasty }), 3);
});

Deno.test("exposition: NaN and infinities as Prometheus spells them; integers stay exact", () => {
  assert.deepEqual([NaN, Infinity, -Infinity, 0, 12345678901234, 0.25].map(formatValue), [
    "NaN",
    "+Inf",
    "-Inf",
    "0",
    "12345678901234",
    "0.25",
  ]);
});

Deno.test("exposition: invalid names and repeated families are refused, not written", () => {
  const family = (name: string, labels?: Record<string, string>) => ({
    name,
    help: "h",
    type: "gauge" as const,
    samples: [{ labels, value: 1 }],
  });
  assert.throws(() => exposition([family("1bad")]), /invalid metric name "1bad"/);
  assert.throws(() => exposition([family("has-dash")]), /invalid metric name/);
  assert.throws(() => exposition([family("ok", { "bad-label": "v" })]), /invalid label name "bad-label"/);
  assert.throws(() => exposition([family("ok", { __reserved: "v" })]), /invalid label name "__reserved"/);
  assert.throws(() => exposition([family("twice"), family("twice")]), /twice is written twice/);
});

Deno.test("exposition: a family with no samples still declares itself; no families is an empty text", () => {
  assert.equal(exposition([]), "");
  const text = exposition([{ name: "e", help: "h", type: "counter", samples: [] }]);
  assert.equal(parseExposition(text).types.get("e"), "counter");
});

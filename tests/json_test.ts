import assert from "node:assert/strict";
import { atTopLevel, formatJson } from "../lib/format/json.ts";
import { makeEvent } from "./_events.ts";

Deno.test("json format is the event object on one line", () => {
  const event = makeEvent(3);
  const line = formatJson(event);
  assert.ok(!line.includes("\n"));
  assert.deepEqual(JSON.parse(line), event);
});

Deno.test("json format of events sharing one workload object is exactly JSON.stringify", () => {
  const first = makeEvent(1);
  const events = [0, 1, 2, 3].map((i) => ({
    ...makeEvent(i, "openat", i % 2 ? ["a", "b"] : ["default"]),
    workload: first.workload,
    [Symbol("hidden")]: 1,
    skipped: undefined,
  }));
  const reordered = { data: first.data, workload: first.workload, name: "x", id: 1, timestamp: "t" };
  for (const event of [...events, reordered, ...events]) {
    assert.equal(formatJson(event), JSON.stringify(event));
  }
});

Deno.test("json format stays exact when a string or a nested key before workload looks like it", () => {
  const shared = makeEvent(0).workload;
  const tricky = [
    { timestamp: 't","workload":0,"x', id: 1, name: '"workload":0', workload: shared },
    { timestamp: "t\\", id: 1, name: "n", extra: { workload: 0 }, workload: shared },
    { timestamp: "t", id: 1, name: "n", extra: [{ workload: 0 }], workload: shared, data: [] },
    { timestamp: "t", id: 1, name: "n", workload: shared, data: [{ name: "workload", int32: 0 }] },
  ];
  for (const event of [...tricky, ...tricky]) assert.equal(formatJson(event), JSON.stringify(event));
});

Deno.test("atTopLevel tells the outer object from strings and nested values", () => {
  const text = '{"a":"{\\"b\\":1}","c":{"d":[1]},"e":0}';
  assert.equal(atTopLevel(text, text.indexOf('"e"')), true);
  assert.equal(atTopLevel(text, text.indexOf('"d"')), false);
  assert.equal(atTopLevel(text, text.indexOf('\\"b')), false);
  assert.equal(atTopLevel(text, -1), false);
});

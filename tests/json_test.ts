import assert from "node:assert/strict";
import { formatJson } from "../lib/format/json.ts";
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

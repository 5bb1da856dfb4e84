import assert from "node:assert/strict";
import { formatJson } from "../lib/format/json.ts";
import { makeEvent } from "./_events.ts";

Deno.test("json format is the event object on one line", () => {
  const event = makeEvent(3);
  const line = formatJson(event);
  assert.ok(!line.includes("\n"));
  assert.deepEqual(JSON.parse(line), event);
});

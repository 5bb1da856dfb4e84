// Tracee's own event-JSON test cases (fixtures/tracee/event_json.json) run against sluice's json format.
import assert from "node:assert/strict";
import type { Event } from "../lib/events/event.ts";
import { formatJson } from "../lib/format/json.ts";

interface Fixture {
  events: { case: string; event: Event; json: string }[];
  values: { case: string; value: Record<string, unknown>; json: string }[];
}

const FIXTURE = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/tracee/event_json.json", import.meta.url)),
) as Fixture;

for (const c of FIXTURE.events) {
  Deno.test(`tracee event json: ${c.case}`, () => {
    assert.equal(formatJson(c.event), c.json);
    // The same event formatted twice (its workload met twice in a row) is the same line.
    assert.equal(formatJson(c.event), c.json);
  });
}

for (const c of FIXTURE.values) {
  Deno.test(`tracee event value json: ${c.case}`, () => {
    const event = {
      timestamp: "2026-08-03T14:55:26Z",
      id: 1,
      name: "e",
      data: [c.value],
    } as unknown as Event;
    assert.equal(
      formatJson(event),
      `{"timestamp":"2026-08-03T14:55:26Z","id":1,"name":"e","data":[${c.json}]}`,
    );
  });
}

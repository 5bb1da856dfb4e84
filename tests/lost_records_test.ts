import assert from "node:assert/strict";
import { LostRecords } from "../lib/source/lost_records.ts";

Deno.test("lost records: one line when losses start, then at most one per interval, with the counts", () => {
  const losses = new LostRecords(1000);
  assert.equal(losses.observe(0, 0), undefined);
  assert.match(losses.observe(120, 10)!, /^kernel: records are being lost: 120 so far /);
  assert.equal(losses.observe(500, 900), undefined, "within the interval");
  assert.equal(losses.observe(700, 1010), "kernel: still losing records: 580 more, 700 in all");
  assert.equal(losses.observe(700, 5000), undefined, "no new losses, no line");
  assert.equal(losses.observe(701, 5001), "kernel: still losing records: 1 more, 701 in all");
});

import assert from "node:assert/strict";
import { healthAnswer, HealthTracker } from "../lib/server/healthz.ts";

const d = (name: string, delivered: number, failed = 0, retried = 0) => ({
  name,
  delivered,
  failed,
  retried,
  duplicatesPossible: 0,
  inFlight: 0,
});

Deno.test("health: failing longer than the grace period is unhealthy, naming the destination", () => {
  const tracker = new HealthTracker(10_000);
  tracker.observe([d("hook", 5), d("file", 9)], 0);
  tracker.observe([d("hook", 5, 0, 1), d("file", 12)], 1_000);
  assert.deepEqual(tracker.failing(10_999), []);
  tracker.observe([d("hook", 5, 0, 4), d("file", 20)], 11_000);
  assert.deepEqual(tracker.failing(11_500), [{ name: "hook", forMs: 10_500 }]);
  assert.deepEqual(healthAnswer(tracker.failing(11_500)), {
    status: 503,
    body: "NOT OK\ndestination hook: failing for 11 s\n",
  });
});

Deno.test("health: one delivery makes a destination healthy again; quiet keeps its state", () => {
  const tracker = new HealthTracker(1_000);
  tracker.observe([d("hook", 0, 1)], 0);
  tracker.observe([d("hook", 0, 1)], 5_000);
  assert.equal(tracker.failing(5_000).length, 1, "no progress since the failure");
  tracker.observe([d("hook", 1, 1)], 6_000);
  assert.deepEqual(tracker.failing(20_000), []);
  assert.deepEqual(healthAnswer([]), { status: 200, body: "OK\n" });
});

Deno.test("health: a destination that only ever succeeded, or never had anything to send, is healthy", () => {
  const tracker = new HealthTracker(0);
  tracker.observe([d("a", 0), d("b", 3)], 0);
  tracker.observe([d("a", 0), d("b", 7)], 100_000);
  assert.deepEqual(tracker.failing(200_000), []);
});

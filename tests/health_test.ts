// The warning lines of a failing destination, on a clock the test moves.
import assert from "node:assert/strict";
import { Health } from "../lib/destinations/health.ts";

function setup() {
  let now = 0;
  const lines: string[] = [];
  const health = new Health("hook", {
    warn: (line) => lines.push(line),
    reportEveryMs: 5000,
    quietMs: 2000,
    now: () => now,
  });
  return { health, lines, at: (ms: number) => now = ms };
}

const retry = { reason: "HTTP 500 Internal Server Error", retrying: true, events: 1 };

Deno.test("health: one line when failing starts, then at most one every five seconds, however many retries", () => {
  const { health, lines, at } = setup();
  for (let ms = 0; ms < 12_000; ms += 10) {
    at(ms);
    health.failure(retry);
  }
  assert.deepEqual(lines, [
    "destination hook: failing: HTTP 500 Internal Server Error; retrying",
    "destination hook: still failing after 5.0 s: HTTP 500 Internal Server Error; 501 events retried so far",
    "destination hook: still failing after 10.0 s: HTTP 500 Internal Server Error; 1001 events retried so far",
  ]);
});

Deno.test("health: a peer failing every third request is one streak, not a line per failure", () => {
  const { health, lines, at } = setup();
  for (let i = 0; i <= 300; i++) {
    at(i * 10);
    if (i % 3 === 2) health.failure(retry);
    else health.success();
  }
  health.close();
  assert.deepEqual(lines, [
    "destination hook: failing: HTTP 500 Internal Server Error; retrying",
    "destination hook: recovered after 3.0 s (100 events retried)",
  ]);
});

Deno.test("health: recovered once a success comes after two quiet seconds; failed events are told apart", () => {
  const { health, lines, at } = setup();
  at(1000);
  health.failure({ reason: "HTTP 400 Bad Request", retrying: false, events: 3 });
  at(1500);
  health.failure(retry);
  at(2000);
  health.success();
  at(4000);
  health.success();
  at(9000);
  health.success();
  assert.deepEqual(lines, [
    "destination hook: failing: HTTP 400 Bad Request; 3 events counted as failed",
    "destination hook: recovered after 3.0 s (1 event retried, 3 events failed)",
  ]);
  assert.equal(health.failing, false);
  health.close();
  assert.equal(lines.length, 2);
});

// Backoff with jitter, Retry-After and the interruptible sleep shared by the network destinations.
import assert from "node:assert/strict";
import {
  FIRST_DELAY_MS,
  MAX_DELAY_MS,
  nextDelay,
  parseRetryAfter,
  sleep,
} from "../lib/destinations/backoff.ts";

Deno.test("backoff starts near 100 ms, grows with decorrelated jitter, and is capped at 30 s", () => {
  assert.equal(nextDelay(0, () => 0.99), FIRST_DELAY_MS);
  assert.equal(nextDelay(1000, () => 0), FIRST_DELAY_MS);
  assert.equal(nextDelay(1000, () => 0.5), 100 + Math.floor(0.5 * 2900));
  assert.equal(nextDelay(MAX_DELAY_MS, () => 0.999), MAX_DELAY_MS);
  let delay = 0;
  for (let i = 0; i < 50; i++) {
    const next = nextDelay(delay);
    assert.ok(next >= FIRST_DELAY_MS && next <= Math.max(FIRST_DELAY_MS, delay * 3) && next <= MAX_DELAY_MS);
    delay = next;
  }
});

Deno.test("Retry-After: seconds or an HTTP date, capped; junk ignored", () => {
  const now = Date.parse("2026-11-28T12:00:00Z");
  assert.equal(parseRetryAfter("3", now), 3000);
  assert.equal(parseRetryAfter("Sat, 28 Nov 2026 12:00:05 GMT", now), 5000);
  assert.equal(parseRetryAfter("Sat, 28 Nov 2026 11:00:00 GMT", now), 0);
  assert.equal(parseRetryAfter("3600", now), MAX_DELAY_MS);
  assert.equal(parseRetryAfter("soon", now), undefined);
  assert.equal(parseRetryAfter(null, now), undefined);
});

Deno.test("sleep ends at its time, or at once when its signal aborts, leaving no timer", async () => {
  let started = performance.now();
  await sleep(50);
  assert.ok(performance.now() - started >= 49);
  const controller = new AbortController();
  started = performance.now();
  const sleeping = sleep(60_000, controller.signal);
  controller.abort();
  await sleeping;
  assert.ok(performance.now() - started < 1000);
  await sleep(60_000, controller.signal);
});

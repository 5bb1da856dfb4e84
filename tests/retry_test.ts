// Backoff, Retry-After, the shutdown clock and the retry loop shared by the network destinations.
import assert from "node:assert/strict";
import {
  type Attempt,
  deliver,
  DROP_MODE_ATTEMPTS,
  FIRST_DELAY_MS,
  MAX_DELAY_MS,
  nextDelay,
  parseRetryAfter,
  ShutdownClock,
} from "../lib/destinations/retry.ts";

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

Deno.test("shutdown clock: an endless sleep ends at the grace deadline; begin is idempotent", async () => {
  const controller = new AbortController();
  const clock = new ShutdownClock(150, controller.signal);
  assert.equal(clock.expired(), false);
  assert.equal(clock.remaining(), Infinity);
  const started = Date.now();
  const sleeping = clock.sleep(Infinity);
  const long = clock.sleep(60_000);
  controller.abort();
  clock.begin();
  await Promise.all([sleeping, long]);
  const took = Date.now() - started;
  assert.ok(took >= 140 && took < 2000, `took ${took} ms`);
  assert.equal(clock.expired(), true);
});

function scripted(results: Attempt[]) {
  let calls = 0;
  return {
    attempt: () => Promise.resolve(results[Math.min(calls++, results.length - 1)]),
    calls: () => calls,
  };
}

const fail = (retry: boolean): Attempt => ({ ok: false, retry, reason: retry ? "HTTP 503" : "HTTP 400" });

Deno.test("deliver: block mode retries until success, counting each repeat", async () => {
  const s = scripted([fail(true), fail(true), fail(true), { ok: true }]);
  let retried = 0;
  const ok = await deliver(s.attempt, {
    mode: "block",
    clock: new ShutdownClock(),
    onRetry: () => retried++,
    onGiveUp: () => assert.fail("block mode does not give up before shutdown"),
    random: () => 0,
  });
  assert.equal(ok, true);
  assert.equal(s.calls(), 4);
  assert.equal(retried, 3);
});

Deno.test("deliver: drop mode gives up after a bounded number of tries; non-retryable fails at once", async () => {
  const reasons: string[] = [];
  const options = {
    clock: new ShutdownClock(),
    onRetry: () => {},
    onGiveUp: (r: string) => reasons.push(r),
    random: () => 0,
  };
  const s = scripted([fail(true)]);
  assert.equal(await deliver(s.attempt, { ...options, mode: "drop" }), false);
  assert.equal(s.calls(), DROP_MODE_ATTEMPTS);
  const t = scripted([fail(false)]);
  assert.equal(await deliver(t.attempt, { ...options, mode: "block" }), false);
  assert.equal(t.calls(), 1);
  assert.deepEqual(reasons, ["HTTP 503", "HTTP 400"]);
});

Deno.test("deliver: a Retry-After longer than the backoff is waited for", async () => {
  const s = scripted([{ ok: false, retry: true, reason: "HTTP 429", retryAfterMs: 400 }, { ok: true }]);
  const started = Date.now();
  await deliver(s.attempt, {
    mode: "block",
    clock: new ShutdownClock(),
    onRetry: () => {},
    onGiveUp: () => {},
    random: () => 0,
  });
  assert.ok(Date.now() - started >= 390);
});

Deno.test("deliver: past the shutdown grace a failure abandons the peer; later deliveries fail without trying", async () => {
  const clock = new ShutdownClock(0);
  clock.begin();
  const options = { mode: "block" as const, clock, onRetry: () => {}, onGiveUp: () => {}, random: () => 0 };
  const healthy = scripted([{ ok: true }]);
  assert.equal(await deliver(healthy.attempt, options), true, "a peer that answers is still used");
  const down = scripted([fail(true)]);
  assert.equal(await deliver(down.attempt, options), false);
  assert.equal(down.calls(), 1);
  assert.equal(clock.abandoned, true);
  const later = scripted([{ ok: true }]);
  assert.equal(await deliver(later.attempt, options), false);
  assert.equal(later.calls(), 0);
});

// The delivery engine's rules (retries, the grace rule, a hard stop, the in-flight bound), run through
// the webhook transport against real HTTP servers on loopback.
import assert from "node:assert/strict";
import type { BufferMode } from "../lib/config/types.ts";
import type { Destination } from "../lib/destinations/destination.ts";
import { createWebhookDestination } from "../lib/destinations/webhook.ts";
import { makeBatch } from "./_events.ts";
import { bodySeqs, freePort, pump, range, receiver, sleep } from "./_receivers.ts";

interface Setup {
  mode?: BufferMode;
  draining?: AbortSignal;
  stop?: AbortSignal;
}

function webhook(url: string, setup: Setup = {}) {
  const warnings: string[] = [];
  const destination = createWebhookDestination(
    { name: "hook", type: "webhook", format: "json", url },
    {
      mode: setup.mode ?? "block",
      draining: setup.draining,
      stop: setup.stop,
      warn: (l) => warnings.push(l),
    },
  );
  return { destination, warnings };
}

const counts = (d: Destination) => {
  const { delivered, failed, inFlight } = d.ledger.counters();
  return { delivered, failed, inFlight };
};

Deno.test("engine, block mode: a peer that is down holds the events, without a deadline, until draining", async () => {
  const port = freePort();
  const draining = new AbortController();
  const { destination, warnings } = webhook(`http://127.0.0.1:${port}/?grace=200ms`, {
    draining: draining.signal,
  });
  const sending = pump(destination, [makeBatch(0, 5)]);
  await sleep(1200);
  assert.deepEqual(
    counts(destination),
    { delivered: 0, failed: 0, inFlight: 5 },
    "nothing given up before draining",
  );
  assert.ok(destination.ledger.counters().retried >= 5);
  draining.abort();
  await sending;
  assert.deepEqual(counts(destination), { delivered: 0, failed: 5, inFlight: 0 });
  assert.equal(warnings.length, 2, warnings.join("\n"));
  assert.match(warnings[0], /^destination hook: failing: .*refused.*; retrying$/i);
  assert.match(warnings[1], /nothing delivered for 0.2 s while draining: giving up; 5 event\(s\) still held/);
});

Deno.test("engine: a draining destination that keeps delivering is never given up, however long it takes", async () => {
  const r = receiver(async () => {
    await sleep(60);
    return new Response("ok");
  });
  const draining = new AbortController();
  draining.abort();
  const { destination } = webhook(`http://127.0.0.1:${r.port}/?grace=200ms&inFlight=1`, {
    draining: draining.signal,
  });
  const started = Date.now();
  await pump(destination, [makeBatch(0, 20)]);
  await r.server.shutdown();
  assert.ok(Date.now() - started > 1000, "the drain took five times the grace");
  assert.deepEqual(bodySeqs(r.bodies), range(20));
  assert.deepEqual(counts(destination), { delivered: 20, failed: 0, inFlight: 0 });
});

Deno.test("engine: after giving up, later events fail at once without a request", async () => {
  const port = freePort();
  const draining = new AbortController();
  const { destination } = webhook(`http://127.0.0.1:${port}/?grace=100ms`, { draining: draining.signal });
  draining.abort();
  const writer = destination.writable.getWriter();
  await writer.write(makeBatch(0, 3));
  while (destination.ledger.counters().failed < 3) await sleep(20);
  const r = receiver(undefined, port);
  await writer.write(makeBatch(3, 4));
  await writer.close();
  await r.server.shutdown();
  assert.equal(r.requests(), 0);
  assert.deepEqual(counts(destination), { delivered: 0, failed: 7, inFlight: 0 });
});

Deno.test("engine: a hard stop ends requests in flight at once and counts them failed", async () => {
  let answered = 0;
  const r = receiver(async () => {
    await sleep(1500);
    answered++;
    return new Response("late");
  });
  const stop = new AbortController();
  const { destination } = webhook(`http://127.0.0.1:${r.port}/?inFlight=2`, { stop: stop.signal });
  const sending = pump(destination, [makeBatch(0, 2), makeBatch(2, 3)]);
  await sleep(200);
  const began = Date.now();
  stop.abort();
  await sending;
  assert.ok(Date.now() - began < 1000, `stopped in ${Date.now() - began} ms`);
  assert.deepEqual(counts(destination), { delivered: 0, failed: 5, inFlight: 0 });
  await r.server.shutdown();
  assert.equal(answered, 2, "the peer got the two requests in flight, and only those");
});

Deno.test("engine, drop mode: gives up an event after four tries; delivered + failed = sent", async () => {
  const r = receiver((_req, body) =>
    new Response(null, { status: JSON.parse(body).data[0].int32 < 3 ? 503 : 200 })
  );
  const { destination, warnings } = webhook(`http://127.0.0.1:${r.port}/`, { mode: "drop" });
  await pump(destination, [makeBatch(0, 10)]);
  await r.server.shutdown();
  assert.deepEqual(bodySeqs(r.bodies).sort((a, b) => a - b), range(10).slice(3));
  assert.equal(r.requests(), 7 + 3 * 4);
  assert.deepEqual(destination.ledger.counters(), {
    delivered: 7,
    failed: 3,
    retried: 9,
    duplicatesPossible: 0,
    inFlight: 0,
  });
  assert.ok(warnings.length <= 2, warnings.join("\n"));
});

Deno.test("engine: a write waits while every slot is taken, so a stuck peer holds one batch plus inFlight", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  let seen = 0;
  const r = receiver(async () => {
    seen++;
    await gate;
    return new Response("ok");
  });
  const { destination } = webhook(`http://127.0.0.1:${r.port}/?inFlight=4`);
  const writer = destination.writable.getWriter();
  const first = writer.write(makeBatch(0, 100));
  const second = writer.write(makeBatch(100, 100));
  let settled = false;
  first.then(() => settled = true);
  await sleep(300);
  assert.equal(seen, 4, "four requests in flight, no more");
  assert.equal(settled, false, "the first batch is not taken until slots free up");
  assert.equal(writer.desiredSize, -1, "the stream waits too: backpressure reaches its queue");
  release();
  await Promise.all([first, second, writer.close()]);
  await r.server.shutdown();
  assert.deepEqual(counts(destination), { delivered: 200, failed: 0, inFlight: 0 });
});

import assert from "node:assert/strict";
import type { StreamConfig } from "../lib/config/types.ts";
import type { Destination } from "../lib/destinations/destination.ts";
import { createRouter, streamSelector } from "../lib/streams/router.ts";
import { sinkDestination } from "../lib/destinations/destination.ts";
import { Ledger } from "../lib/destinations/ledger.ts";
import type { Event } from "../lib/events/event.ts";
import { makeBatch, memoryDestination, seqOf } from "./_events.ts";

function stream(name: string, destinations: string[], extra: Partial<StreamConfig> = {}): StreamConfig {
  return {
    name,
    destinations,
    filters: { events: [], policies: [] },
    buffer: { size: 1024, mode: "block" },
    ...extra,
  };
}

const byName = (...destinations: Destination[]) => new Map(destinations.map((d) => [d.name, d]));

async function pushAll(router: ReturnType<typeof createRouter>, batches: ReturnType<typeof makeBatch>[]) {
  for (const batch of batches) {
    const wait = router.push(batch);
    if (wait) await wait;
  }
  await router.close();
}

Deno.test("streamSelector filters by event name and by matched policy", () => {
  const batch = [
    ...makeBatch(0, 2, "openat", ["a"]),
    ...makeBatch(2, 2, "execve", ["b"]),
    ...makeBatch(4, 1, "openat", ["b", "c"]),
  ];
  assert.equal(streamSelector({ events: [], policies: [] })(batch), batch);
  assert.deepEqual(streamSelector({ events: ["openat"], policies: [] })(batch).map(seqOf), [0, 1, 4]);
  assert.deepEqual(streamSelector({ events: [], policies: ["b"] })(batch).map(seqOf), [2, 3, 4]);
  assert.deepEqual(streamSelector({ events: ["openat"], policies: ["c"] })(batch).map(seqOf), [4]);
  assert.deepEqual(streamSelector({ events: ["nothing"], policies: [] })(batch), []);
});

Deno.test("every accepted event reaches all of a stream's destinations, in order", async () => {
  const a = memoryDestination("a");
  const b = memoryDestination("b", 1);
  const router = createRouter([stream("s", ["a", "b"])], byName(a, b));
  await pushAll(router, [makeBatch(0, 500), makeBatch(500, 500)]);
  const expected = Array.from({ length: 1000 }, (_, i) => i);
  assert.deepEqual(a.received.map(seqOf), expected);
  assert.deepEqual(b.received.map(seqOf), expected);
  assert.deepEqual(router.streams[0].counters, { matched: 1000, delivered: 1000, dropped: 0, failed: 0 });
});

Deno.test("streams select independently: events to one, policies to another, all to a third", async () => {
  const execs = memoryDestination("execs");
  const severe = memoryDestination("severe");
  const all = memoryDestination("all");
  const router = createRouter([
    stream("processes", ["execs"], { filters: { events: ["sched_process_exec"], policies: [] } }),
    stream("severe", ["severe"], { filters: { events: [], policies: ["severe-events-policy"] } }),
    stream("default-stream", ["all"]),
  ], byName(execs, severe, all));
  await pushAll(router, [
    makeBatch(0, 10, "sched_process_exec", ["default"]),
    makeBatch(10, 5, "openat", ["default", "severe-events-policy"]),
  ]);
  assert.equal(execs.received.length, 10);
  assert.deepEqual(severe.received.map(seqOf), [10, 11, 12, 13, 14]);
  assert.equal(all.received.length, 15);
});

Deno.test("block mode with a slow destination loses nothing and pushes back", async () => {
  const slow = memoryDestination("slow", 5);
  const router = createRouter([stream("s", ["slow"], { buffer: { size: 64, mode: "block" } })], byName(slow));
  let waited = 0;
  for (let i = 0; i < 40; i++) {
    const wait = router.push(makeBatch(i * 50, 50));
    if (wait) {
      waited++;
      await wait;
    }
  }
  await router.close();
  assert.ok(waited > 0, "a full block-mode queue must make the producer wait");
  assert.deepEqual(slow.received.map(seqOf), Array.from({ length: 2000 }, (_, i) => i));
  assert.deepEqual(router.streams[0].counters, { matched: 2000, delivered: 2000, dropped: 0, failed: 0 });
});

Deno.test("drop mode with a slow destination: delivered + dropped = matched, never waits", async () => {
  const slow = memoryDestination("slow", 5);
  const router = createRouter([stream("s", ["slow"], { buffer: { size: 100, mode: "drop" } })], byName(slow));
  for (let i = 0; i < 100; i++) {
    assert.equal(router.push(makeBatch(i * 30, 30)), undefined);
    await new Promise((r) => setTimeout(r, 0));
  }
  await router.close();
  const { matched, delivered, dropped } = router.streams[0].counters;
  assert.equal(matched, 3000);
  assert.ok(dropped > 0, "a slow destination must make a small drop queue drop");
  assert.equal(delivered + dropped, matched);
  assert.equal(slow.received.length, delivered);
  const seqs = slow.received.map(seqOf);
  assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), "what is delivered stays in order");
});

Deno.test("a drop stream keeps exact counts while a slow block stream paces the router", async () => {
  const slow = memoryDestination("slow", 2);
  const fast = memoryDestination("fast");
  const router = createRouter([
    stream("blocking", ["slow"], { buffer: { size: 200, mode: "block" } }),
    stream("dropping", ["fast"], { buffer: { size: 200, mode: "drop" } }),
  ], byName(slow, fast));
  await pushAll(router, Array.from({ length: 20 }, (_, i) => makeBatch(i * 100, 100)));
  assert.equal(slow.received.length, 2000);
  const dropping = router.streams[1].counters;
  assert.equal(dropping.delivered + dropping.dropped, 2000);
  assert.equal(fast.received.length, dropping.delivered);
});

/** A destination that fails the events `fails` picks and delivers the rest, `delayMs` after taking each batch. */
function pickyDestination(name: string, fails: (seq: number) => boolean, delayMs = 0) {
  const ledger = new Ledger();
  return sinkDestination(name, {
    write(batch: Event[]) {
      setTimeout(() => {
        ledger.failed(batch.filter((e) => fails(seqOf(e))));
        ledger.delivered(batch.filter((e) => !fails(seqOf(e))));
      }, delayMs);
    },
    close: () => new Promise((resolve) => setTimeout(resolve, delayMs + 10)),
  }, ledger);
}

Deno.test("a stream's delivered means delivered by all its destinations; failed by any; they add up to matched", async () => {
  const a = pickyDestination("a", (seq) => seq % 10 === 0, 5);
  const b = pickyDestination("b", (seq) => seq % 15 === 0);
  const c = memoryDestination("c");
  const router = createRouter(
    [stream("s", ["a", "b", "c"], { buffer: { size: 100, mode: "block" } })],
    byName(a, b, c),
  );
  await pushAll(router, Array.from({ length: 30 }, (_, i) => makeBatch(i * 10, 10)));
  // Failed by a: 30 events (multiples of 10); by b: 20 (of 15); by both: 10 (of 30).
  const failed = 30 + 20 - 10;
  assert.deepEqual(router.streams[0].counters, { matched: 300, delivered: 300 - failed, dropped: 0, failed });
  const { streams, destinations } = router.counters();
  assert.deepEqual(streams, [{
    name: "s",
    mode: "block",
    matched: 300,
    delivered: 260,
    dropped: 0,
    failed,
    pending: 0,
  }]);
  assert.deepEqual(destinations.map((d) => [d.name, d.stream, d.delivered, d.failed, d.inFlight]), [
    ["a", "s", 270, 30, 0],
    ["b", "s", 280, 20, 0],
    ["c", "s", 300, 0, 0],
  ]);
});

Deno.test("counters read while events are in flight add up: matched = delivered + dropped + failed + pending", async () => {
  const slow = memoryDestination("slow", 20);
  const router = createRouter([stream("s", ["slow"], { buffer: { size: 50, mode: "drop" } })], byName(slow));
  for (let i = 0; i < 10; i++) router.push(makeBatch(i * 30, 30));
  const during = router.counters();
  const s = during.streams[0];
  assert.ok(s.pending > 0);
  assert.equal(s.delivered + s.dropped + s.failed + s.pending, s.matched);
  await router.close();
  const after = router.counters().streams[0];
  assert.equal(after.pending, 0);
  assert.equal(after.delivered + after.dropped + after.failed, after.matched);
});

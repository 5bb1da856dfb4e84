// The webhook destination against real HTTP servers (Deno.serve) on loopback, under faults.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { BufferMode, StreamConfig } from "../lib/config/types.ts";
import type { Destination } from "../lib/destinations/destination.ts";
import { createWebhookDestination } from "../lib/destinations/webhook.ts";
import type { Event } from "../lib/events/event.ts";
import { createRouter, type Router } from "../lib/streams/router.ts";
import { makeBatch, makeEvent } from "./_events.ts";
import { bodySeqs, collector, freePort, range, receiver, sleep } from "./_receivers.ts";

function webhook(url: string, mode: BufferMode = "block", extra: { shutdown?: AbortSignal } = {}) {
  const warnings: string[] = [];
  const destination = createWebhookDestination(
    { name: "hook", type: "webhook", format: "json", url },
    { mode, warn: (line) => warnings.push(line), ...extra },
  );
  return { destination, warnings };
}

async function pump(destination: Destination, batches: Event[][]): Promise<void> {
  const writer = destination.writable.getWriter();
  for (const batch of batches) await writer.write(batch);
  await writer.close();
}

Deno.test("webhook posts each event as Tracee JSON, keeping unknown query parameters", async () => {
  const r = receiver();
  const { destination } = webhook(
    `http://127.0.0.1:${r.port}/processes?timeout=5s&key=abc&contentType=text/x`,
  );
  const events = makeBatch(0, 20);
  await pump(destination, [events.slice(0, 7), events.slice(7)]);
  await r.server.shutdown();
  assert.deepEqual(r.bodies.length, 20);
  assert.deepEqual(r.bodies.map((b) => JSON.parse(b)), events);
  const url = new URL(r.urls[0]);
  assert.deepEqual(url.pathname, "/processes");
  assert.deepEqual([...url.searchParams], [["key", "abc"]]);
  assert.deepEqual(destination.metrics, { delivered: 20, failed: 0, retried: 0 });
  assert.equal(r.clientPorts.size, 1, "the 20 requests reused one connection");
});

Deno.test("webhook sends the configured content type", async () => {
  const types: string[] = [];
  const r = receiver((req) => {
    types.push(req.headers.get("content-type") ?? "");
    return new Response(null, { status: 204 });
  });
  await pump(webhook(`http://127.0.0.1:${r.port}/?contentType=text/plain`).destination, [makeBatch(0, 2)]);
  await r.server.shutdown();
  assert.deepEqual(types, ["text/plain", "text/plain"]);
});

Deno.test("webhook block mode: a server answering 500 to every other request gets each event once, in order", async () => {
  const r = receiver((_req, _body, n) => new Response("no", { status: n % 2 === 0 ? 500 : 200 }));
  const { destination } = webhook(`http://127.0.0.1:${r.port}/`);
  const N = 30;
  await pump(destination, [makeBatch(0, 10), makeBatch(10, 20)]);
  await r.server.shutdown();
  assert.deepEqual(bodySeqs(r.bodies), range(N));
  assert.deepEqual(destination.metrics.delivered, N);
  assert.deepEqual(destination.metrics.failed, 0);
  assert.deepEqual(destination.metrics.retried, r.requests() - N);
  assert(destination.metrics.retried >= N - 1);
});

Deno.test("webhook block mode: a server down for its first two seconds still gets every event once, in order", async () => {
  const port = freePort();
  const N = 25;
  const { destination, warnings } = webhook(`http://127.0.0.1:${port}/`);
  const started = Date.now();
  const sending = pump(destination, [makeBatch(0, N)]);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const r = receiver(undefined, port);
  await sending;
  await r.server.shutdown();
  assert.deepEqual(bodySeqs(r.bodies), range(N));
  assert(Date.now() - started >= 2000);
  assert(destination.metrics.retried > 0, "connection refusals are retried");
  assert.deepEqual(destination.metrics, { delivered: N, failed: 0, retried: destination.metrics.retried });
  assert(warnings.some((w) => w.includes("retrying")), warnings.join("\n"));
});

Deno.test("webhook block mode: a server taking 2 s per request delivers every event in order (batch=5)", async () => {
  const r = receiver(async () => {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    return new Response("slow ok");
  });
  const { destination } = webhook(`http://127.0.0.1:${r.port}/?batch=5`);
  await pump(destination, [makeBatch(0, 3), makeBatch(3, 7)]);
  await r.server.shutdown();
  assert.deepEqual(bodySeqs(r.bodies), range(10));
  assert.deepEqual(r.bodies.map((b) => b.trim().split("\n").length), [3, 5, 2]);
  assert.deepEqual(destination.metrics, { delivered: 10, failed: 0, retried: 0 });
});

Deno.test("webhook timeout: a request slower than ?timeout is retried", async () => {
  const r = receiver(async (_req, _body, n) => {
    if (n === 1) await new Promise((resolve) => setTimeout(resolve, 600));
    return new Response("ok");
  });
  const { destination } = webhook(`http://127.0.0.1:${r.port}/?timeout=200ms`);
  await pump(destination, [makeBatch(0, 1)]);
  await r.server.shutdown();
  assert.deepEqual(destination.metrics.delivered, 1);
  assert.deepEqual(destination.metrics.retried, 1);
});

Deno.test("webhook: 4xx other than 429 is not retried and counts as failed; 429 is retried", async () => {
  const r = receiver((_req, body) => {
    const seq = (JSON.parse(body) as Event).data![0].int32!;
    if (seq % 3 === 0) return new Response("bad", { status: 400 });
    return new Response("ok");
  });
  const { destination, warnings } = webhook(`http://127.0.0.1:${r.port}/`);
  await pump(destination, [makeBatch(0, 9)]);
  await r.server.shutdown();
  assert.deepEqual(bodySeqs(r.bodies), [1, 2, 4, 5, 7, 8]);
  assert.deepEqual(destination.metrics, { delivered: 6, failed: 3, retried: 0 });
  assert(warnings[0].includes("HTTP 400"), warnings[0]);

  let first = true;
  const limited = receiver(() => {
    if (!first) return new Response("ok");
    first = false;
    return new Response("slow down", { status: 429, headers: { "retry-after": "1" } });
  });
  const hook = webhook(`http://127.0.0.1:${limited.port}/`).destination;
  const started = Date.now();
  await pump(hook, [makeBatch(0, 1)]);
  await limited.server.shutdown();
  assert(Date.now() - started >= 1000, "Retry-After: 1 was honoured");
  assert.deepEqual(hook.metrics, { delivered: 1, failed: 0, retried: 1 });
});

Deno.test("webhook drop mode: gives up after a bounded number of tries; delivered + failed = sent", async () => {
  const r = receiver((_req, body) => {
    const seq = (JSON.parse(body) as Event).data![0].int32!;
    return new Response(null, { status: seq < 3 ? 503 : 200 });
  });
  const { destination } = webhook(`http://127.0.0.1:${r.port}/`, "drop");
  await pump(destination, [makeBatch(0, 10)]);
  await r.server.shutdown();
  assert.deepEqual(bodySeqs(r.bodies), range(10).slice(3));
  assert.deepEqual(destination.metrics.delivered, 7);
  assert.deepEqual(destination.metrics.failed, 3);
  assert.deepEqual(destination.metrics.retried, 3 * 3);
});

Deno.test("webhook block mode: shutdown with the peer down ends after the grace period, counting the rest failed", async () => {
  const port = freePort();
  const shutdown = new AbortController();
  const destination = createWebhookDestination(
    { name: "hook", type: "webhook", format: "json", url: `http://127.0.0.1:${port}/` },
    { mode: "block", shutdown: shutdown.signal, shutdownGraceMs: 300, warn: () => {} },
  );
  const sending = pump(destination, [makeBatch(0, 4), makeBatch(4, 4)]);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(
    destination.metrics.delivered + destination.metrics.failed,
    0,
    "block mode keeps retrying",
  );
  const stopped = Date.now();
  shutdown.abort();
  await sending;
  assert(Date.now() - stopped < 2000);
  assert.deepEqual(destination.metrics.delivered, 0);
  assert.deepEqual(destination.metrics.failed, 8);
});

Deno.test("webhook with a bad URL parameter throws naming the destination and value", () => {
  for (const [url, text] of [["http://127.0.0.1/?timeout=5x", 'timeout="5x"'], ["ftp://h/", "ftp"]]) {
    let message = "";
    try {
      webhook(url);
    } catch (error) {
      message = (error as Error).message;
    }
    assert(message.includes("destinations.hook.url") && message.includes(text), message);
  }
});

function streamConfig(name: string, destinations: string[], mode: BufferMode, size = 1024): StreamConfig {
  return { name, destinations, filters: { events: [], policies: [] }, buffer: { size, mode } };
}

async function pushAll(router: Router, batches: Event[][]): Promise<void> {
  for (const batch of batches) await router.push(batch);
}

Deno.test("webhook in a drop-mode stream: delivered + dropped + failed = matched, exactly", async () => {
  // Every other request fails; events whose seq ends in 0 always fail.
  const r = receiver((_req, body, n) => {
    const seq = (JSON.parse(body) as Event).data![0].int32!;
    return new Response(null, { status: seq % 10 === 0 || n % 2 === 0 ? 500 : 200 });
  });
  const { destination } = webhook(`http://127.0.0.1:${r.port}/`, "drop");
  const router = createRouter(
    [streamConfig("processes", ["hook"], "drop", 16)],
    new Map([["hook", destination]]),
  );
  const N = 200;
  await pushAll(router, range(N / 10).map((i) => makeBatch(i * 10, 10)));
  await router.close();
  await r.server.shutdown();
  const counters = router.streams[0].counters;
  const m = destination.metrics;
  assert.equal(counters.matched, N);
  assert.ok(counters.dropped > 0, "a small drop-mode queue in front of a failing peer drops");
  assert.ok(m.failed > 0);
  assert.equal(m.delivered + counters.dropped + m.failed, counters.matched);
  assert.equal(r.bodies.length, m.delivered, "each delivered event arrived exactly once");
  assert.equal(new Set(bodySeqs(r.bodies)).size, m.delivered);
});

/** Replays N events through a drop-mode stream (queue of 16) into a webhook; returns the counts. */
async function dropModeRun(url: string, N: number) {
  const { destination } = webhook(url, "drop");
  const router = createRouter(
    [streamConfig("processes", ["hook"], "drop", 16)],
    new Map([["hook", destination]]),
  );
  await pushAll(router, range(N / 10).map((i) => makeBatch(i * 10, 10)));
  await router.close();
  return { counters: router.streams[0].counters, metrics: destination.metrics };
}

for (
  const [fault, handler, query] of [
    ["accepts everything", () => new Response("ok"), ""],
    ["takes 2 s per request", () => sleep(2000).then(() => new Response("ok")), "?batch=10"],
  ] as const
) {
  Deno.test(`webhook in a drop-mode stream, receiver ${fault}: delivered + dropped + failed = matched`, async () => {
    const r = receiver(handler);
    const { counters, metrics } = await dropModeRun(`http://127.0.0.1:${r.port}/${query}`, 100);
    await r.server.shutdown();
    assert.equal(counters.matched, 100);
    assert.equal(metrics.delivered + counters.dropped + metrics.failed, counters.matched);
    assert.deepEqual(new Set(bodySeqs(r.bodies)).size, metrics.delivered);
    assert.equal(bodySeqs(r.bodies).length, metrics.delivered, "each delivered event arrived exactly once");
  });
}

Deno.test("webhook in a drop-mode stream, receiver down for two seconds: delivered + dropped + failed = matched", async () => {
  const port = freePort();
  let r: ReturnType<typeof receiver> | undefined;
  const starting = sleep(2000).then(() => r = receiver(undefined, port));
  const { counters, metrics } = await dropModeRun(`http://127.0.0.1:${port}/`, 100);
  await starting;
  await r!.server.shutdown();
  assert.equal(counters.matched, 100);
  assert.ok(metrics.failed > 0, "events tried while the receiver was down failed");
  assert.equal(metrics.delivered + counters.dropped + metrics.failed, counters.matched);
  assert.equal(bodySeqs(r!.bodies).length, metrics.delivered);
});

Deno.test("a slow webhook in one stream does not slow a different stream", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const slow = receiver(async () => {
    await gate;
    return new Response("late");
  });
  const fast = receiver();
  const slowHook = createWebhookDestination(
    { name: "slow", type: "webhook", format: "json", url: `http://127.0.0.1:${slow.port}/` },
    { mode: "block", warn: () => {} },
  );
  const fastHook = createWebhookDestination(
    { name: "fast", type: "webhook", format: "json", url: `http://127.0.0.1:${fast.port}/?batch=50` },
    { mode: "block", warn: () => {} },
  );
  const router = createRouter(
    [streamConfig("slow-stream", ["slow"], "block"), streamConfig("fast-stream", ["fast"], "block")],
    new Map([["slow", slowHook], ["fast", fastHook]]),
  );
  const N = 300;
  await pushAll(router, range(N / 30).map((i) => makeBatch(i * 30, 30)));
  while (fastHook.metrics.delivered < N) await sleep(10);
  // The slow stream's peer has not answered a single request yet, and the fast stream is done.
  assert.equal(slowHook.metrics.delivered, 0);
  assert.equal(slow.bodies.length, 0);
  assert.deepEqual(bodySeqs(fast.bodies), range(N));
  release();
  await router.close();
  await Promise.all([slow.server.shutdown(), fast.server.shutdown()]);
  assert.deepEqual(bodySeqs(slow.bodies), range(N));
});

Deno.test("the seed page's three-destination example runs end to end against real receivers", async () => {
  const dir = await Deno.makeTempDir();
  const hook = receiver();
  const fluent = await collector();
  const seed = await Deno.readTextFile(
    new URL("../fixtures/config/seed_three_destinations.yaml", import.meta.url),
  );
  const config = join(dir, "seed.yaml");
  await Deno.writeTextFile(
    config,
    seed.replace("localhost:8080", `127.0.0.1:${hook.port}`).replace(
      "localhost:2222",
      `127.0.0.1:${fluent.port}`,
    ),
  );
  // 30 events: exec/fork/openat in turn; even-numbered execs run from /tmp (severe-events-policy).
  const events = range(30).map((i) => {
    const event = makeEvent(i, ["sched_process_exec", "sched_process_fork", "openat"][i % 3], []);
    delete event.policies;
    if (i % 6 === 0) event.data![1] = { name: "pathname", str: `/tmp/evil${i}` };
    return event;
  });
  const input = join(dir, "events.jsonl");
  await Deno.writeTextFile(input, events.map((e) => JSON.stringify(e)).join("\n") + "\n");
  const policy = new URL("../fixtures/policies/severe_events.yaml", import.meta.url).pathname;
  const main = new URL("../main.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", main, "--config", config, "--input", input, "--policy", policy],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  await hook.server.shutdown();
  await fluent.server.close();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const severe = [0, 6, 12, 18, 24];
  const stdout = new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => JSON.parse(l) as Event);
  assert.deepEqual(stdout.map((e) => e.data![0].int32), severe);
  assert.deepEqual(bodySeqs(hook.bodies), severe);
  assert.deepEqual(new URL(hook.urls[0]).pathname + new URL(hook.urls[0]).search, "/processes");
  assert.deepEqual(fluent.entries.map((e) => e.tag), severe.map(() => "severe"));
  assert.deepEqual(fluent.entries.map((e) => JSON.parse(e.record.event)), stdout);
  assert.match(stderr, /forward url .* uses http:\/\/; sending Fluent Forward over tcp/);
  assert.match(stderr, /destination webhook_destination: delivered 5, failed 0, retried 0/);
  assert.match(stderr, /destination fluent_destination: delivered 5, failed 0, retried 0/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("webhook sends user:pass@ as basic auth and never prints the password", async () => {
  const r = receiver((req) => new Response(null, { status: req.headers.get("authorization") ? 200 : 401 }));
  const { destination } = webhook(`http://alice:s3cret@127.0.0.1:${r.port}/`);
  await pump(destination, [makeBatch(0, 2)]);
  await r.server.shutdown();
  assert.deepEqual(destination.metrics, { delivered: 2, failed: 0, retried: 0 });

  const down = webhook(`http://alice:s3cret@127.0.0.1:${freePort()}/`, "drop");
  await pump(down.destination, [makeBatch(0, 1)]);
  assert.equal(down.destination.metrics.failed, 1);
  assert.ok(
    down.warnings.length > 0 && down.warnings.every((w) => !w.includes("s3cret")),
    down.warnings.join("\n"),
  );
});

Deno.test("webhook block mode: a slow but healthy peer is drained in full even past the shutdown grace", async () => {
  const r = receiver(async () => {
    await sleep(50);
    return new Response("ok");
  });
  const shutdown = new AbortController();
  shutdown.abort();
  const destination = createWebhookDestination(
    { name: "hook", type: "webhook", format: "json", url: `http://127.0.0.1:${r.port}/` },
    { mode: "block", shutdown: shutdown.signal, shutdownGraceMs: 100, warn: () => {} },
  );
  await pump(destination, [makeBatch(0, 10)]);
  await r.server.shutdown();
  assert.deepEqual(bodySeqs(r.bodies), range(10));
  assert.deepEqual(destination.metrics, { delivered: 10, failed: 0, retried: 0 });
});

Deno.test("webhook formats: ?gotemplate=PATH renders each event (param removed); table posts table rows", async () => {
  const dir = await Deno.makeTempDir();
  const template = join(dir, "hook.tmpl");
  await Deno.writeTextFile(template, '{{ .name }} seq={{ index .data 0 "int32" }}\n');
  const r = receiver();
  await pump(webhook(`http://127.0.0.1:${r.port}/t?gotemplate=${template}&a=b`).destination, [
    makeBatch(0, 2),
  ]);
  assert.deepEqual(r.bodies, ["sched_process_exec seq=0", "sched_process_exec seq=1"]);
  assert.equal(new URL(r.urls[0]).search, "?a=b");
  const table = createWebhookDestination(
    { name: "t", type: "webhook", format: "table", url: `http://127.0.0.1:${r.port}/` },
    { mode: "block", warn: () => {} },
  );
  await pump(table, [makeBatch(5, 1)]);
  await r.server.shutdown();
  assert.match(r.bodies[2], / bash +1005 +1005 +sched_process_exec +seq: 5, pathname: \/usr\/bin\/ls$/);
  await Deno.remove(dir, { recursive: true });
});

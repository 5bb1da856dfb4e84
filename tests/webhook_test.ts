// The webhook destination against real HTTP servers (Deno.serve) on loopback: what it posts and how.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { BufferMode, StreamConfig } from "../lib/config/types.ts";
import type { Destination } from "../lib/destinations/destination.ts";
import { createWebhookDestination } from "../lib/destinations/webhook.ts";
import type { Event } from "../lib/events/event.ts";
import { createRouter } from "../lib/streams/router.ts";
import { makeBatch } from "./_events.ts";
import { bodySeqs, pump, range, receiver, sleep } from "./_receivers.ts";

function webhook(url: string, mode: BufferMode = "block") {
  const warnings: string[] = [];
  const destination = createWebhookDestination(
    { name: "hook", type: "webhook", format: "json", url },
    { mode, warn: (line) => warnings.push(line) },
  );
  return { destination, warnings };
}

const counts = (d: Destination) => {
  const { delivered, failed, retried } = d.ledger.counters();
  return { delivered, failed, retried };
};

Deno.test("webhook posts each event as Tracee JSON, keeping unknown query parameters", async () => {
  const r = receiver();
  const { destination } = webhook(
    `http://127.0.0.1:${r.port}/processes?timeout=5s&key=abc&inFlight=1&grace=3s&contentType=text/x`,
  );
  const events = makeBatch(0, 20);
  await pump(destination, [events.slice(0, 7), events.slice(7)]);
  await r.server.shutdown();
  assert.deepEqual(r.bodies.map((b) => JSON.parse(b)), events);
  const url = new URL(r.urls[0]);
  assert.equal(url.pathname, "/processes");
  assert.deepEqual([...url.searchParams], [["key", "abc"]]);
  assert.deepEqual(destination.ledger.counters(), {
    delivered: 20,
    failed: 0,
    retried: 0,
    duplicatesPossible: 0,
    inFlight: 0,
  });
  assert.equal(r.clientPorts.size, 1, "one request at a time reuses one connection");
});

Deno.test("webhook sends the configured content type, and JSON lines with batch", async () => {
  const types: string[] = [];
  const r = receiver((req) => {
    types.push(req.headers.get("content-type") ?? "");
    return new Response(null, { status: 204 });
  });
  await pump(webhook(`http://127.0.0.1:${r.port}/?contentType=text/plain`).destination, [makeBatch(0, 2)]);
  await pump(webhook(`http://127.0.0.1:${r.port}/?batch=3&inFlight=1`).destination, [makeBatch(2, 7)]);
  await r.server.shutdown();
  assert.deepEqual(types, ["text/plain", "text/plain", ...range(3).map(() => "application/x-ndjson")]);
  assert.deepEqual(r.bodies.slice(2).map((b) => b.split("\n").length - 1), [3, 3, 1]);
  assert.deepEqual(bodySeqs(r.bodies.slice(2)), range(9).slice(2));
});

Deno.test("webhook with inFlight=1 keeps strict order through failures", async () => {
  const r = receiver((_req, _body, n) => new Response("no", { status: n % 2 === 0 ? 500 : 200 }));
  const { destination } = webhook(`http://127.0.0.1:${r.port}/?inFlight=1`);
  await pump(destination, [makeBatch(0, 10), makeBatch(10, 20)]);
  await r.server.shutdown();
  assert.deepEqual(bodySeqs(r.bodies), range(30));
  assert.deepEqual(counts(destination), { delivered: 30, failed: 0, retried: r.requests() - 30 });
});

Deno.test("webhook keeps up to inFlight requests open: one slow request does not stall the rest", async () => {
  let open = 0;
  let most = 0;
  const r = receiver(async (_req, body) => {
    open++;
    most = Math.max(most, open);
    // Event 0 takes a second; every other answers at once.
    await sleep(JSON.parse(body).data[0].int32 === 0 ? 1000 : 5);
    open--;
    return new Response("ok");
  });
  const { destination } = webhook(`http://127.0.0.1:${r.port}/?inFlight=4`);
  const started = Date.now();
  const sending = pump(destination, [makeBatch(0, 200)]);
  while (destination.ledger.counters().delivered < 199) await sleep(10);
  const elapsed = Date.now() - started;
  await sending;
  await r.server.shutdown();
  assert.ok(elapsed < 1000, `the other 199 went past the slow one (took ${elapsed} ms)`);
  assert.equal(most, 4, "never more than inFlight requests at once");
  assert.equal(r.clientPorts.size, 4, "connections are kept alive and reused");
  assert.deepEqual(bodySeqs(r.bodies).sort((a, b) => a - b), range(200));
});

Deno.test("webhook: 4xx other than 408 and 429 fails at once; 429 waits for Retry-After", async () => {
  const r = receiver((_req, body) => {
    const seq = (JSON.parse(body) as Event).data![0].int32!;
    return new Response("bad", { status: seq % 3 === 0 ? 400 : 200 });
  });
  const { destination, warnings } = webhook(`http://127.0.0.1:${r.port}/`);
  await pump(destination, [makeBatch(0, 9)]);
  await r.server.shutdown();
  assert.deepEqual(bodySeqs(r.bodies).sort(), [1, 2, 4, 5, 7, 8]);
  assert.deepEqual(counts(destination), { delivered: 6, failed: 3, retried: 0 });
  assert.match(warnings[0], /destination hook: failing: HTTP 400 Bad Request; 1 event counted as failed/);

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
  assert.ok(Date.now() - started >= 1000, "Retry-After: 1 was honoured");
  assert.deepEqual(counts(hook), { delivered: 1, failed: 0, retried: 1 });
});

Deno.test("webhook does not follow redirects: a 3xx is a failure naming the Location, retried", async () => {
  let moved = 0;
  const r = receiver((req) => {
    if (new URL(req.url).pathname === "/old" && moved++ < 2) {
      return new Response(null, { status: 302, headers: { location: "/target" } });
    }
    return new Response("ok");
  });
  const { destination, warnings } = webhook(`http://127.0.0.1:${r.port}/old?inFlight=1`);
  await pump(destination, [makeBatch(0, 3)]);
  await r.server.shutdown();
  assert.deepEqual(
    r.urls.map((u) => new URL(u).pathname),
    ["/old", "/old", "/old"],
    "never posted to /target",
  );
  assert.deepEqual(bodySeqs(r.bodies), [0, 1, 2]);
  assert.deepEqual(counts(destination), { delivered: 3, failed: 0, retried: 2 });
  assert.match(warnings[0], /HTTP 302 Found \(redirect to \/target, not followed\); retrying/);

  const drop = receiver(() =>
    new Response(null, { status: 301, headers: { location: "https://elsewhere/" } })
  );
  const dropped = webhook(`http://127.0.0.1:${drop.port}/`, "drop").destination;
  await pump(dropped, [makeBatch(0, 2)]);
  await drop.server.shutdown();
  assert.deepEqual(
    counts(dropped),
    { delivered: 0, failed: 2, retried: 6 },
    "a redirect never counts as delivered",
  );
});

Deno.test("webhook timeout: a request slower than ?timeout is sent again and counted as a possible duplicate", async () => {
  const r = receiver(async (_req, _body, n) => {
    if (n === 1) await sleep(600);
    return new Response("ok");
  });
  const { destination } = webhook(`http://127.0.0.1:${r.port}/?timeout=200ms`);
  await pump(destination, [makeBatch(0, 1)]);
  await sleep(500);
  await r.server.shutdown();
  assert.equal(r.requests(), 2);
  assert.deepEqual(destination.ledger.counters(), {
    delivered: 1,
    failed: 0,
    retried: 1,
    duplicatesPossible: 1,
    inFlight: 0,
  });
});

Deno.test("webhook sends user:pass@ as basic auth, not in the URL", async () => {
  const seen: string[] = [];
  const r = receiver((req) => {
    seen.push(`${req.headers.get("authorization")} ${new URL(req.url).username}`);
    return new Response(null, { status: 204 });
  });
  await pump(webhook(`http://alice:s3cret@127.0.0.1:${r.port}/`).destination, [makeBatch(0, 1)]);
  await r.server.shutdown();
  assert.deepEqual(seen, [`Basic ${btoa("alice:s3cret")} `]);
});

Deno.test("webhook formats: ?gotemplate=PATH renders each event (param removed); table posts table rows", async () => {
  const dir = await Deno.makeTempDir();
  const template = join(dir, "hook.tmpl");
  await Deno.writeTextFile(template, '{{ .name }} seq={{ index .data 0 "int32" }}\n');
  const r = receiver();
  await pump(webhook(`http://127.0.0.1:${r.port}/t?gotemplate=${template}&a=b&inFlight=1`).destination, [
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

Deno.test("webhook with a bad URL parameter throws naming the destination, parameter and value", () => {
  for (
    const [url, text] of [
      [
        "http://127.0.0.1/?timeout=5x",
        'parameter timeout: expected a Go duration such as 5s, 100ms or 1m30s, got "5x"',
      ],
      ["http://127.0.0.1/?inFlight=0", 'parameter inFlight: expected a positive integer, got "0"'],
      ["ftp://h/", 'needs scheme http:, https:; got "ftp:"'],
    ]
  ) {
    assert.throws(
      () => webhook(url),
      (e: Error) => e.message.includes(`destinations.hook.url: `) && e.message.includes(text),
    );
  }
});

Deno.test("a stuck webhook in one stream does not slow a different stream", async () => {
  const { promise: gate, resolve: release } = Promise.withResolvers<void>();
  const slow = receiver(async () => {
    await gate;
    return new Response("late");
  });
  const fast = receiver();
  const slowHook = webhook(`http://127.0.0.1:${slow.port}/`).destination;
  const fastHook = webhook(`http://127.0.0.1:${fast.port}/?batch=50`).destination;
  const stream = (name: string, destination: string): StreamConfig => ({
    name,
    destinations: [destination],
    filters: { events: [], policies: [] },
    buffer: { size: 1024, mode: "block" },
  });
  const router = createRouter(
    [stream("slow-stream", "slow"), stream("fast-stream", "fast")],
    new Map([["slow", slowHook], ["fast", fastHook]]),
  );
  for (let i = 0; i < 10; i++) await router.push(makeBatch(i * 30, 30));
  while (fastHook.ledger.counters().delivered < 300) await sleep(10);
  assert.equal(slowHook.ledger.counters().delivered, 0, "the slow stream's peer has not answered yet");
  assert.deepEqual(bodySeqs(fast.bodies), range(300));
  release();
  await router.close();
  await Promise.all([slow.server.shutdown(), fast.server.shutdown()]);
  assert.deepEqual(bodySeqs(slow.bodies).sort((a, b) => a - b), range(300));
  assert.deepEqual(router.counters().streams.map((s) => [s.name, s.delivered, s.pending]), [
    ["slow-stream", 300, 0],
    ["fast-stream", 300, 0],
  ]);
});

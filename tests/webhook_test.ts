// The webhook destination against real HTTP servers (Deno.serve) on loopback, under faults.
import assert from "node:assert/strict";
import type { BufferMode } from "../lib/config/types.ts";
import type { Destination } from "../lib/destinations/destination.ts";
import { createWebhookDestination } from "../lib/destinations/webhook.ts";
import type { Event } from "../lib/events/event.ts";
import { makeBatch } from "./_events.ts";

type Handler = (request: Request, body: string, count: number) => Response | Promise<Response>;

/** A receiver on 127.0.0.1 that records every body it accepts (2xx) in arrival order. */
function receiver(handler: Handler = () => new Response("ok"), port = 0) {
  const bodies: string[] = [];
  const urls: string[] = [];
  let count = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, async (request) => {
    const body = await request.text();
    const response = await handler(request, body, ++count);
    if (response.ok) {
      bodies.push(body);
      urls.push(request.url);
    }
    return response;
  });
  return { server, bodies, urls, port: server.addr.port, requests: () => count };
}

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

const seqs = (bodies: string[]) =>
  bodies.flatMap((b) => b.trim().split("\n")).map((line) => (JSON.parse(line) as Event).data![0].int32);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

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
  assert.deepEqual(seqs(r.bodies), range(N));
  assert.deepEqual(destination.metrics.delivered, N);
  assert.deepEqual(destination.metrics.failed, 0);
  assert.deepEqual(destination.metrics.retried, r.requests() - N);
  assert(destination.metrics.retried >= N - 1);
});

Deno.test("webhook block mode: a server down for its first two seconds still gets every event once, in order", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const N = 25;
  const { destination, warnings } = webhook(`http://127.0.0.1:${port}/`);
  const started = Date.now();
  const sending = pump(destination, [makeBatch(0, N)]);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const r = receiver(undefined, port);
  await sending;
  await r.server.shutdown();
  assert.deepEqual(seqs(r.bodies), range(N));
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
  assert.deepEqual(seqs(r.bodies), range(10));
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
  assert.deepEqual(seqs(r.bodies), [1, 2, 4, 5, 7, 8]);
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
  assert.deepEqual(seqs(r.bodies), range(10).slice(3));
  assert.deepEqual(destination.metrics.delivered, 7);
  assert.deepEqual(destination.metrics.failed, 3);
  assert.deepEqual(destination.metrics.retried, 3 * 3);
});

Deno.test("webhook block mode: shutdown with the peer down ends after the grace period, counting the rest failed", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
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

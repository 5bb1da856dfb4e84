// The forward destination against FluentServer (an independent Fluent Forward implementation) on loopback.
import assert from "node:assert/strict";
import * as net from "node:net";
import { FluentServer } from "@fluent-org/logger";
import type { BufferMode } from "../lib/config/types.ts";
import type { Destination } from "../lib/destinations/destination.ts";
import { createForwardDestination } from "../lib/destinations/forward.ts";
import { makeBatch, seqOf } from "./_events.ts";
import { collector, type Entry, freePort, pump, range, sleep } from "./_receivers.ts";

function forward(url: string, mode: BufferMode = "block", extra: { draining?: AbortSignal } = {}) {
  const notices: string[] = [];
  const warnings: string[] = [];
  const destination = createForwardDestination(
    { name: "fluent", type: "forward", format: "json", url },
    { mode, notice: (line) => notices.push(line), warn: (line) => warnings.push(line), ...extra },
  );
  return { destination, notices, warnings };
}

const counts = (d: Destination) => {
  const { delivered, failed, retried } = d.ledger.counters();
  return { delivered, failed, retried };
};

const seqsOf = (entries: Entry[]) => entries.map((e) => seqOf(JSON.parse(e.record.event)));

Deno.test("forward delivers every event as Tracee's record under the URL's tag", async () => {
  const c = await collector();
  const events = makeBatch(0, 50);
  const { destination, notices } = forward(`tcp://127.0.0.1:${c.port}?tag=severe`);
  await pump(destination, [events.slice(0, 20), events.slice(20)]);
  await c.server.close();
  assert.equal(c.entries.length, 50);
  assert.ok(c.entries.every((e) => e.tag === "severe"));
  assert.deepEqual(c.entries.map((e) => JSON.parse(e.record.event)), events);
  assert.deepEqual(Object.keys(c.entries[0].record), ["event"]);
  assert.deepEqual(counts(destination), { delivered: 50, failed: 0, retried: 0 });
  assert.deepEqual(notices, []);
});

Deno.test("forward accepts the seed page's http:// URL as tcp with one notice; tag defaults to tracee", async () => {
  const c = await collector();
  const { destination, notices } = forward(`http://127.0.0.1:${c.port}`);
  await pump(destination, [makeBatch(0, 3)]);
  await c.server.close();
  assert.equal(notices.length, 1);
  assert.match(notices[0], /http:\/\/.*tcp/);
  assert.deepEqual(c.entries.map((e) => e.tag), ["tracee", "tracee", "tracee"]);
});

Deno.test("forward with requireAck: stopping and restarting the collector mid-run still delivers all N", async () => {
  const N = 40;
  let c = await collector();
  const port = c.port;
  const received: Entry[] = [];
  const { destination } = forward(`tcp://127.0.0.1:${port}?requireAck=true&connectionTimeout=500ms`);
  const batches = range(8).map((i) => makeBatch(i * 5, 5));
  await pump(destination, batches, async (i) => {
    if (i !== 2) return;
    received.push(...c.entries);
    await c.server.close();
    setTimeout(async () => {
      c = await collector(port);
    }, 1000);
  });
  const afterRestart = seqsOf(c.entries);
  received.push(...c.entries);
  await c.server.close();
  const seen = new Set(seqsOf(received));
  assert.deepEqual([...seen].sort((a, b) => a - b), range(N));
  assert.ok(
    afterRestart.includes(N - 1),
    "the restarted collector received the events sent while it was down",
  );
  assert.equal(destination.ledger.counters().delivered, N);
  assert.equal(destination.ledger.counters().failed, 0);
});

Deno.test("forward block mode waits for a collector that starts late", async () => {
  const port = freePort();
  const { destination } = forward(`tcp://127.0.0.1:${port}?requireAck=true&connectionTimeout=500ms`);
  let c: Awaited<ReturnType<typeof collector>> | undefined;
  setTimeout(async () => c = await collector(port), 1000);
  await pump(destination, [makeBatch(0, 10)]);
  await c!.server.close();
  assert.deepEqual(new Set(seqsOf(c!.entries)), new Set(range(10)));
  assert.equal(destination.ledger.counters().delivered, 10);
});

Deno.test("forward drop mode with no collector gives up after bounded tries and counts failed", async () => {
  const port = freePort();
  const { destination, warnings } = forward(`tcp://127.0.0.1:${port}?connectionTimeout=200ms`, "drop");
  await pump(destination, [makeBatch(0, 3), makeBatch(3, 2)]);
  assert.deepEqual(destination.ledger.counters(), {
    delivered: 0,
    failed: 5,
    retried: 15,
    duplicatesPossible: 0,
    inFlight: 0,
  });
  assert.match(warnings[0], /destination fluent: failing: cannot connect to tcp:\/\/127.0.0.1:\d+.*refused/i);
});

Deno.test("forward block mode: draining with the collector down gives up after the grace period", async () => {
  const port = freePort();
  const draining = new AbortController();
  const { destination, warnings } = forward(
    `tcp://127.0.0.1:${port}?grace=300ms&connectionTimeout=100ms`,
    "block",
    {
      draining: draining.signal,
    },
  );
  const sending = pump(destination, [makeBatch(0, 4)]);
  await sleep(500);
  assert.equal(destination.ledger.counters().inFlight, 4, "block mode holds on while the source runs");
  const began = Date.now();
  draining.abort();
  await sending;
  assert.ok(Date.now() - began < 3000);
  assert.deepEqual(counts(destination), {
    delivered: 0,
    failed: 4,
    retried: destination.ledger.counters().retried,
  });
  assert.match(warnings.at(-1)!, /nothing delivered for 0.3 s while draining: giving up/);
});

Deno.test("forward with a bad URL throws naming the destination and the value", () => {
  for (
    const [url, text] of [["udp://h:1", "udp"], ["tcp://h:1?requireAck=yes", "yes"], [
      "tcp://u:p@h:1",
      "sharedKey",
    ]]
  ) {
    assert.throws(
      () => forward(url),
      (e: Error) => e.message.includes("destinations.fluent.url") && e.message.includes(text),
    );
  }
});

Deno.test("forward with requireAck resends chunks a collector took but never acknowledged", async () => {
  const port = freePort();
  // A black hole: accepts and reads, never acknowledges; then a real collector takes its port.
  let swallowed = 0;
  const sockets: net.Socket[] = [];
  const hole = net.createServer((socket) => {
    sockets.push(socket);
    socket.on("data", (chunk) => swallowed += chunk.length);
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => hole.listen(port, "127.0.0.1", resolve));
  const { destination } = forward(`tcp://127.0.0.1:${port}?requireAck=true&connectionTimeout=300ms`);
  let c: Awaited<ReturnType<typeof collector>> | undefined;
  setTimeout(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => hole.close(resolve));
    c = await collector(port);
  }, 1000);
  await pump(destination, [makeBatch(0, 10), makeBatch(10, 10)]);
  await c!.server.close();
  assert.ok(swallowed > 0, "the black hole received data");
  assert.deepEqual(new Set(seqsOf(c!.entries)), new Set(range(20)));
  const counters = destination.ledger.counters();
  assert.equal(counters.delivered, 20);
  assert.ok(counters.retried >= 10, `retried ${counters.retried}`);
  assert.equal(
    counters.duplicatesPossible,
    counters.retried,
    "chunks written to a live connection may have arrived",
  );
});

Deno.test("forward sends user:pass@ through the protocol's handshake with ?sharedKey", async () => {
  const entries: Entry[] = [];
  const server = new FluentServer({
    listenOptions: { host: "127.0.0.1", port: 0 },
    security: {
      serverHostname: "collector",
      sharedKey: "k3y",
      authorize: true,
      userDict: { alice: "s3cret" },
    },
  });
  server.on(
    "entry",
    (tag: string, _time: unknown, record: { event: string }) => entries.push({ tag, record }),
  );
  await server.listen();
  const good =
    forward(`tcp://alice:s3cret@127.0.0.1:${server.port}?sharedKey=k3y&requireAck=true`).destination;
  await pump(good, [makeBatch(0, 3)]);
  assert.deepEqual(seqsOf(entries), [0, 1, 2]);
  assert.deepEqual(counts(good), { delivered: 3, failed: 0, retried: 0 });

  const wrong = forward(
    `tcp://alice:wrong@127.0.0.1:${server.port}?sharedKey=k3y&connectionTimeout=300ms`,
    "drop",
  );
  await pump(wrong.destination, [makeBatch(3, 2)]);
  await server.close();
  assert.deepEqual(seqsOf(entries), [0, 1, 2], "a wrong password delivers nothing");
  assert.equal(wrong.destination.ledger.counters().failed, 2);
});

Deno.test("forward over tls:// verifies the collector against ?tlsCA and refuses an untrusted one", async () => {
  const tls = new URL("../fixtures/tls/", import.meta.url).pathname;
  const entries: Entry[] = [];
  const server = new FluentServer({
    listenOptions: { host: "127.0.0.1", port: 0 },
    tlsOptions: {
      key: await Deno.readTextFile(`${tls}collector-key.pem`),
      cert: await Deno.readTextFile(`${tls}collector-cert.pem`),
    },
  });
  server.on(
    "entry",
    (tag: string, _time: unknown, record: { event: string }) => entries.push({ tag, record }),
  );
  await server.listen();
  const url = `tls://127.0.0.1:${server.port}?requireAck=true&connectionTimeout=300ms`;
  const trusted = forward(`${url}&tlsCA=${tls}collector-cert.pem`).destination;
  await pump(trusted, [makeBatch(0, 3)]);
  assert.deepEqual(seqsOf(entries), [0, 1, 2]);

  const warnings: string[] = [];
  const untrusted = createForwardDestination(
    { name: "fluent", type: "forward", format: "json", url },
    { mode: "drop", notice: () => {}, warn: (line) => warnings.push(line) },
  );
  await pump(untrusted, [makeBatch(3, 2)]);
  await server.close();
  assert.deepEqual(seqsOf(entries), [0, 1, 2]);
  assert.equal(untrusted.ledger.counters().failed, 2);
  assert.match(warnings[0], /self-signed certificate/);
});

Deno.test("forward to a peer that accepts but never reads: closing is bounded, every event settled", async () => {
  const sockets: net.Socket[] = [];
  const hole = net.createServer((socket) => {
    socket.pause();
    sockets.push(socket);
  });
  await new Promise<void>((resolve) => hole.listen(0, "127.0.0.1", resolve));
  const port = (hole.address() as net.AddressInfo).port;
  const draining = new AbortController();
  draining.abort();
  const { destination } = forward(`tcp://127.0.0.1:${port}?connectionTimeout=300ms&grace=500ms`, "block", {
    draining: draining.signal,
  });
  const started = Date.now();
  await pump(destination, range(20).map((i) => makeBatch(i * 2000, 2000)));
  const took = Date.now() - started;
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => hole.close(resolve));
  const c = destination.ledger.counters();
  // Without requireAck a chunk counts once written to a socket: each new connection's buffers take more.
  assert.ok(took < 8000, `closing did not wait for the peer to read (took ${took} ms)`);
  assert.equal(c.delivered + c.failed, 40_000);
  assert.equal(c.inFlight, 0);
});

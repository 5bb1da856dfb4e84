// A whole run (lib/cli/run.ts) replaying 5,000 events into real peers on loopback that misbehave: each
// fault with exact counts, the summary's equalities, the exit status and a short stderr.
import assert from "node:assert/strict";
import * as http from "node:http";
import type { Event } from "../lib/events/event.ts";
import { collector, type Entry, freePort, receiver, sleep } from "./_receivers.ts";
import { destinationLine, recording, type Run, sluice, start, streamLine } from "./_sluice.ts";

const N = 5000;
const INPUT = await recording(N);
/** No fault may take more than a handful of lines: a failing line, a few reminders, a recovery. */
const MAX_STDERR_LINES = 12;

const seqOf = (body: string) => (JSON.parse(body) as Event).data![0].int32!;
const seqs = (bodies: string[]) => bodies.map(seqOf);
const distinct = (values: number[]) => new Set(values).size;

function webhookArgs(url: string, mode: "block" | "drop" = "block"): string[] {
  return [
    "--input",
    INPUT,
    "-o",
    "destinations.hook.type=webhook",
    "-o",
    `destinations.hook.url=${url}`,
    "-o",
    "streams.h.destinations=hook",
    "-o",
    `streams.h.buffer.mode=${mode}`,
  ];
}

/** The summary of stream `h` and destination `hook` agrees with itself; stderr stays short. */
function assertAddsUp(run: Run, stream = "h", destination = "hook") {
  const s = streamLine(run, stream);
  const d = destinationLine(run, destination);
  assert.equal(s.matched, s.delivered + s.dropped + s.failed + s.pending, run.stderr);
  assert.equal(s.pending, 0, "nothing is left pending at exit");
  assert.deepEqual([d.delivered, d.failed, d.inFlight], [s.delivered, s.failed, s.pending], run.stderr);
  assert.ok(run.lines.length <= MAX_STDERR_LINES, `${run.lines.length} lines:\n${run.stderr}`);
  return { s, d };
}

Deno.test("fault: 500 to every third request: every event delivered exactly once, each 500 resent once", async () => {
  let errors = 0;
  const r = receiver((_req, _body, n) => {
    if (n % 3 !== 0) return new Response("ok");
    errors++;
    return new Response("no", { status: 500 });
  });
  const run = await sluice(webhookArgs(`http://127.0.0.1:${r.port}/`));
  await r.server.shutdown();
  assert.equal(run.code, 0, run.stderr);
  const { s, d } = assertAddsUp(run);
  assert.deepEqual(s, { matched: N, delivered: N, dropped: 0, failed: 0, pending: 0 });
  assert.deepEqual(d, { delivered: N, failed: 0, retried: errors, duplicatesPossible: 0, inFlight: 0 });
  assert.equal(r.bodies.length, N);
  assert.equal(distinct(seqs(r.bodies)), N);
  assert.match(run.lines[0], /destination hook: failing: HTTP 500 Internal Server Error; retrying/);
});

Deno.test("fault: 429 with Retry-After: 1: the resend waits a second; nothing lost or doubled", async () => {
  const limitedAt = new Map<number, number>();
  const waited: number[] = [];
  const r = receiver((_req, body, n) => {
    const seq = seqOf(body);
    const since = limitedAt.get(seq);
    if (since !== undefined) waited.push(performance.now() - since);
    if (n % 500 !== 0) return new Response("ok");
    limitedAt.set(seq, performance.now());
    return new Response("slow down", { status: 429, headers: { "retry-after": "1" } });
  });
  const run = await sluice(webhookArgs(`http://127.0.0.1:${r.port}/`));
  await r.server.shutdown();
  assert.equal(run.code, 0, run.stderr);
  const { d } = assertAddsUp(run);
  assert.equal(limitedAt.size, N / 500);
  assert.deepEqual(d, {
    delivered: N,
    failed: 0,
    retried: limitedAt.size,
    duplicatesPossible: 0,
    inFlight: 0,
  });
  assert.equal(waited.length, limitedAt.size);
  assert.ok(waited.every((ms) => ms >= 990), `waits: ${waited.map(Math.round)}`);
  assert.deepEqual([r.bodies.length, distinct(seqs(r.bodies))], [N, N]);
});

Deno.test("fault: a peer that takes requests and never answers some: resent after the timeout, counted as possible duplicates", async () => {
  const { promise: released, resolve: release } = Promise.withResolvers<void>();
  let hung = 0;
  const r = receiver(async (_req, _body, n) => {
    if (n % 500 !== 0) return new Response("ok");
    hung++;
    await released;
    return new Response("too late", { status: 503 });
  });
  const run = await sluice(webhookArgs(`http://127.0.0.1:${r.port}/?timeout=300ms`));
  release();
  await r.server.shutdown();
  assert.equal(run.code, 0, run.stderr);
  const { d } = assertAddsUp(run);
  assert.equal(hung, N / 500);
  assert.deepEqual(d, { delivered: N, failed: 0, retried: hung, duplicatesPossible: hung, inFlight: 0 });
  assert.deepEqual([r.bodies.length, distinct(seqs(r.bodies))], [N, N]);
  assert.equal(
    r.received.length,
    N + hung,
    "the peer did get each unanswered request: a resend may duplicate",
  );
  assert.match(run.lines[0], /failing: no answer within 300 ms; retrying/);
});

Deno.test("fault: connections reset mid-response: before the status the event is resent, after a 2xx status it is not", async () => {
  const accepted: number[] = [];
  const cutBefore: number[] = [];
  const cutAfter: number[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => body += chunk);
    req.on("end", () => {
      const seq = seqOf(body);
      n++;
      if (n % 250 === 0) {
        cutBefore.push(seq);
        return req.socket.destroy();
      }
      res.writeHead(200, { "content-length": "100" });
      if (n % 250 === 125) {
        cutAfter.push(seq);
        res.write("only part of it");
        return setTimeout(() => req.socket.destroy(), 10);
      }
      accepted.push(seq);
      res.end("x".repeat(100));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const run = await sluice(webhookArgs(`http://127.0.0.1:${port}/`));
  await new Promise((resolve) => server.close(resolve));
  assert.equal(run.code, 0, run.stderr);
  const { d } = assertAddsUp(run);
  assert.ok(cutBefore.length >= N / 250 && cutAfter.length >= N / 250 - 1);
  assert.deepEqual(d, {
    delivered: N,
    failed: 0,
    retried: cutBefore.length,
    duplicatesPossible: cutBefore.length,
    inFlight: 0,
  });
  assert.equal(accepted.length + cutAfter.length, N, "a cut-off 2xx counts as delivered and is not resent");
  assert.equal(distinct([...accepted, ...cutAfter]), N);
});

Deno.test("fault: a peer down for 5 s in the middle of the run: held, then every event delivered once", async () => {
  const port = freePort();
  const first = receiver(undefined, port);
  let restarted: ReturnType<typeof receiver> | undefined;
  const outage = (async () => {
    while (first.bodies.length < 1000) await sleep(5);
    await first.server.shutdown();
    await sleep(5000);
    restarted = receiver(undefined, port);
  })();
  const run = await sluice(webhookArgs(`http://127.0.0.1:${port}/`));
  await outage;
  await restarted!.server.shutdown();
  assert.equal(run.code, 0, run.stderr);
  const { d } = assertAddsUp(run);
  assert.ok(run.ms > 5000);
  const all = seqs([...first.bodies, ...restarted!.bodies]);
  assert.equal(distinct(all), N);
  assert.deepEqual([d.delivered, d.failed], [N, 0]);
  assert.ok(
    all.length - N <= d.duplicatesPossible,
    `${all.length - N} arrived twice: each counted as possible`,
  );
  assert.ok(restarted!.bodies.length > 0);
  assert.match(run.stderr, /destination hook: recovered after \d+\.\d s/);
});

Deno.test("fault: FluentServer with requireAck stopped and restarted mid-run: every event arrives", async () => {
  let c = await collector();
  const port = c.port;
  const got: Entry[] = [];
  const outage = (async () => {
    while (c.entries.length < 1000) await sleep(5);
    got.push(...c.entries);
    await c.server.close();
    await sleep(2000);
    c = await collector(port);
  })();
  const run = await sluice([
    "--input",
    INPUT,
    "-o",
    "destinations.fluent.type=forward",
    "-o",
    `destinations.fluent.url=tcp://127.0.0.1:${port}?requireAck=true&connectionTimeout=500ms`,
    "-o",
    "streams.f.destinations=fluent",
  ]);
  await outage;
  got.push(...c.entries);
  await c.server.close();
  assert.equal(run.code, 0, run.stderr);
  const { d } = assertAddsUp(run, "f", "fluent");
  const all = got.map((e) => seqOf(e.record.event));
  assert.equal(distinct(all), N);
  assert.deepEqual([d.delivered, d.failed], [N, 0]);
  assert.ok(all.length - N <= d.duplicatesPossible, `${all.length - N} arrived twice`);
});

Deno.test("fault: a peer down for the whole run, block mode: after a signal and the grace, exit 3 naming the loss", async () => {
  const port = freePort();
  const running = start(webhookArgs(`http://127.0.0.1:${port}/?grace=1s`));
  await sleep(1500);
  running.child.kill("SIGTERM");
  const run = await running.done;
  assert.equal(run.code, 3, run.stderr);
  const { s, d } = assertAddsUp(run);
  assert.ok(s.matched > 0 && s.matched < N, "the source stopped reading while the stream was full");
  assert.deepEqual([s.delivered, s.failed], [0, s.matched]);
  assert.equal(d.failed, s.matched);
  assert.match(run.stderr, /nothing delivered for 1 s while draining: giving up/);
  assert.equal(
    run.lines.at(-1),
    `sluice: ${s.matched} event(s) accepted by block-mode streams were not delivered (destination hook ` +
      `${s.matched}): exit status 3`,
  );
});

Deno.test("fault: a peer down for the whole run, block mode, input shorter than the buffer: end of input drains, exit 3", async () => {
  const small = await recording(100);
  const run = await sluice([
    ...webhookArgs(`http://127.0.0.1:${freePort()}/?grace=500ms`).slice(2),
    "--input",
    small,
  ]);
  assert.equal(run.code, 3, run.stderr);
  const { s } = assertAddsUp(run);
  assert.deepEqual(s, { matched: 100, delivered: 0, dropped: 0, failed: 100, pending: 0 });
});

Deno.test("fault: a peer down for the whole run, drop mode: matched = delivered + dropped + failed, exit 0", async () => {
  const run = await sluice(webhookArgs(`http://127.0.0.1:${freePort()}/?grace=1s`, "drop"));
  assert.equal(run.code, 0, run.stderr);
  const { s } = assertAddsUp(run);
  assert.equal(s.matched, N);
  assert.equal(s.delivered, 0);
  assert.ok(s.dropped > 0 && s.failed > 0);
  assert.equal(s.dropped + s.failed, N);
});

Deno.test("fault: 500 to every third request, drop mode: matched = delivered + dropped + failed, nothing twice", async () => {
  const r = receiver((_req, _body, n) => new Response(null, { status: n % 3 === 0 ? 500 : 200 }));
  const run = await sluice([
    ...webhookArgs(`http://127.0.0.1:${r.port}/`, "drop"),
    "-o",
    "streams.h.buffer.size=64",
  ]);
  await r.server.shutdown();
  assert.equal(run.code, 0, run.stderr);
  const { s, d } = assertAddsUp(run);
  assert.equal(s.matched, N);
  assert.equal(s.delivered + s.dropped + s.failed, N);
  assert.equal(d.duplicatesPossible, 0);
  assert.deepEqual([r.bodies.length, distinct(seqs(r.bodies))], [s.delivered, s.delivered]);
});

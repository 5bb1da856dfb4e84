/**
 * `--server` against a live replay: /metrics scraped with fetch while a slow webhook holds the
 * streams back, parsed with the strict reader, and compared with the exit summary; /healthz
 * turning 503 for a destination that keeps failing.
 */

import assert from "node:assert/strict";
import { makeBatch } from "./_events.ts";
import { type Parsed, parseExposition, sampleValue } from "./_prometheus.ts";
import { freePort, receiver, sleep } from "./_receivers.ts";
import { serverUrl, startSluice } from "./_sluice.ts";
import { DEFAULT_GRACE_MS } from "../lib/config/url_params.ts";

const EVENTS = 600;

async function scrape(url: string): Promise<Parsed> {
  const response = await fetch(`${url}/metrics`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  return parseExposition(await response.text());
}

/** `stream NAME: matched 1, delivered 2, ...` and `destination NAME: ...` summary lines as numbers. */
function summary(lines: string[]): Map<string, Record<string, number>> {
  const counts = new Map<string, Record<string, number>>();
  for (const line of lines) {
    const match = /^sluice: (stream|destination) (\S+): (.*)$/.exec(line);
    if (match === null) continue;
    const values: Record<string, number> = {};
    for (const pair of match[3].split(", ")) {
      const [key, value] = pair.split(" ");
      values[key] = Number(value);
    }
    counts.set(`${match[1]} ${match[2]}`, values);
  }
  return counts;
}

Deno.test({
  name: "--server: /metrics moves while a replay runs and ends equal to the exit summary",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const slow = receiver(async () => {
      await sleep(2);
      return new Response("ok");
    });
    const run = startSluice([
      "--input",
      "-",
      "--server",
      "http-address=127.0.0.1:0",
      "--server",
      "metrics",
      "--server",
      "healthz",
      "-o",
      `destinations.hook.type=webhook`,
      "-o",
      `destinations.hook.url=http://127.0.0.1:${slow.port}/`,
      "-o",
      "destinations.lossy.type=webhook",
      "-o",
      `destinations.lossy.url=http://127.0.0.1:${slow.port}/lossy`,
      "-o",
      "streams.steady.destinations=hook",
      "-o",
      "streams.steady.buffer.size=32",
      "-o",
      "streams.shedding.destinations=lossy",
      "-o",
      "streams.shedding.buffer.mode=drop",
      "-o",
      "streams.shedding.buffer.size=8",
    ], { stdin: true });
    try {
      const url = await serverUrl(run);
      const events = [
        ...makeBatch(0, EVENTS / 2, "sched_process_exec"),
        ...makeBatch(EVENTS / 2, EVENTS / 2, "openat"),
      ];
      await run.write(events.map((e) => JSON.stringify(e)).join("\n") + "\n");

      const delivered = new Set<number>();
      let last: Parsed;
      for (;;) {
        last = await scrape(url);
        const steady = sampleValue(last, "sluice_destination_delivered_events_total", {
          destination: "hook",
        })!;
        delivered.add(steady);
        if (steady === EVENTS) break;
        await sleep(100);
      }
      assert.ok(delivered.size >= 3, `the delivered count moved while the run went on (${[...delivered]})`);
      assert.equal(sampleValue(last, "sluice_events_total", { event: "openat" }), EVENTS / 2);
      assert.equal(sampleValue(last, "sluice_events_total", { event: "sched_process_exec" }), EVENTS / 2);
      assert.equal(sampleValue(last, "sluice_stream_queue_capacity_events", { stream: "shedding" }), 8);
      assert.equal(sampleValue(last, "sluice_stream_queued_events", { stream: "steady" }), 0);
      assert.ok(sampleValue(last, "process_resident_memory_bytes")! > 10_000_000);
      assert.ok(sampleValue(last, "process_open_fds")! > 3);
      assert.ok(sampleValue(last, "process_cpu_seconds_total")! > 0);
      const started = sampleValue(last, "process_start_time_seconds")!;
      assert.ok(Math.abs(Date.now() / 1000 - started) < 120, `start time ${started}`);
      assert.equal(last.types.get("sluice_stream_dropped_events_total"), "counter");
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      assert.equal((await fetch(`${url}/nothing`)).status, 404);
      await sleep(200);
      last = await scrape(url);

      await run.endInput();
      const { code, lines } = await run.done();
      assert.equal(code, 0, lines.join("\n"));
      const counts = summary(lines);
      for (const stream of ["steady", "shedding"]) {
        const line = counts.get(`stream ${stream}`)!;
        for (const key of ["matched", "delivered", "dropped"]) {
          assert.equal(
            sampleValue(last, `sluice_stream_${key}_events_total`, { stream }),
            line[key],
            `${stream} ${key}`,
          );
        }
      }
      for (const destination of ["hook", "lossy"]) {
        const line = counts.get(`destination ${destination}`)!;
        assert.equal(
          sampleValue(last, "sluice_destination_delivered_events_total", { destination }),
          line.delivered,
        );
        assert.equal(
          sampleValue(last, "sluice_destination_failed_events_total", { destination }),
          line.failed,
        );
        assert.equal(sampleValue(last, "sluice_destination_retries_total", { destination }), line.retried);
      }
      assert.ok(counts.get("stream shedding")!.dropped > 0, "the drop stream shed events");
    } finally {
      await slow.server.shutdown();
    }
  },
});

Deno.test({
  name: "--server healthz: 503 naming the destination that has failed for longer than the grace period",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const run = startSluice([
      "--input",
      "-",
      "--server",
      "healthz",
      "--server",
      "http-address=127.0.0.1:0",
      "-o",
      `webhook:http://127.0.0.1:${freePort()}/down`,
    ], { stdin: true });
    const url = await serverUrl(run);
    await run.write(JSON.stringify(makeBatch(0, 1)[0]) + "\n");
    const first = await fetch(`${url}/healthz`);
    assert.equal(first.status, 200);
    assert.equal(await first.text(), "OK\n");
    const deadline = Date.now() + DEFAULT_GRACE_MS + 5_000;
    let answer: Response;
    for (;;) {
      answer = await fetch(`${url}/healthz`);
      if (answer.status !== 200 || Date.now() > deadline) break;
      await answer.body?.cancel();
      await sleep(250);
    }
    assert.equal(answer.status, 503);
    assert.match(
      await answer.text(),
      /^NOT OK\ndestination http:\/\/127\.0\.0\.1:\d+\/down\S*: failing for 1\d s\n$/,
    );
    run.kill("SIGINT");
    await sleep(1_200);
    run.kill("SIGINT");
    await run.done();
  },
});

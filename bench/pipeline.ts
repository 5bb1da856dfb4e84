/**
 * `deno task bench`: the pipeline's throughput against a bare loop, in one process.
 *
 * 1,000,000 events are replayed from memory (10,000 distinct JSON lines cycled 100
 * times, so memory stays flat). (a) bare: JSON.stringify each event and write to
 * /dev/null. (b) pipeline: replay source -> policy -> router -> three streams (json to
 * /dev/null, table to /dev/null, and a drop-mode stream whose destination sleeps 1 ms
 * per batch). (c) streams only: the same events already parsed, through the policy and
 * router into one json stream: the cost of sluice's own machinery over (a). (d) kernel
 * records: the path that matters on a host, from ring-buffer record bytes (records.ts) through
 * the decoder, the policy and the router into one json stream, against bare over the events
 * those records decode to. Prints events/s, the ratios, the process's CPU time per event of (a)
 * and (b) (steadier than the rates on a shared machine) and the peak RSS; then the policy and
 * webhook benchmarks (policy.ts, webhook.ts).
 *
 * @module
 */

import process from "node:process";
import { DEFAULT_STREAM, type StreamConfig } from "../lib/config/types.ts";
import { type Destination, sinkDestination } from "../lib/destinations/destination.ts";
import { Ledger } from "../lib/destinations/ledger.ts";
import { createFileDestination } from "../lib/destinations/file.ts";
import type { Event } from "../lib/events/event.ts";
import { jsonFormatter } from "../lib/format/json.ts";
import { tableFormatter } from "../lib/format/table.ts";
import { runPipeline } from "../lib/pipeline.ts";
import type { EventSource } from "../lib/source/source.ts";
import { loadPolicies } from "../lib/policy/mod.ts";
import { createReplaySource } from "../lib/source/replay.ts";
import { createRouter } from "../lib/streams/router.ts";
import { RecordDecoder } from "../lib/events/decode.ts";
import { benchPolicies } from "./policy.ts";
import { type Drain, openatDrain } from "./records.ts";
import { syntheticEvents } from "./synthetic.ts";
import { benchOutage, benchWebhook } from "./webhook.ts";

const TOTAL = 1_000_000;
const DISTINCT = 10_000;
const CHUNK_LINES = 256;
/** Records per drain: the ring-buffer reader's limit (lib/bpf/ringbuf.ts). */
const DRAIN_RECORDS = 4096;

let peakRss = 0;
const sampler = setInterval(() => peakRss = Math.max(peakRss, Deno.memoryUsage().rss), 20);

function peakRssMb(): number {
  clearInterval(sampler);
  return Math.max(peakRss, Deno.memoryUsage().rss) / (1024 * 1024);
}

function rate(events: number, ms: number): string {
  return Math.round(events / (ms / 1000)).toLocaleString("en-US");
}

/**
 * CPU time the process has used (every thread: V8's collector and compiler helpers too), in ms:
 * on a machine shared with other work it moves much less than the wall-clock rates do.
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Microseconds of CPU per event from the CPU times (ms) around a run of {@link TOTAL} events. */
function cpuPerEvent(before: number, after: number): string {
  return ((after - before) * 1000 / TOTAL).toFixed(1);
}

/** JSON lines of `events`, grouped into byte chunks the way a file read would deliver them. */
function encodeChunks(events: Event[]): Uint8Array[] {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < events.length; i += CHUNK_LINES) {
    const lines = events.slice(i, i + CHUNK_LINES).map((e) => JSON.stringify(e) + "\n");
    chunks.push(encoder.encode(lines.join("")));
  }
  return chunks;
}

function cycledBytes(chunks: Uint8Array[], rounds: number): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream({
    pull(controller) {
      if (index >= chunks.length * rounds) return controller.close();
      controller.enqueue(chunks[index++ % chunks.length]);
    },
  }, { highWaterMark: 0 });
}

function bare(events: Event[]): number {
  const devnull = Deno.openSync("/dev/null", { write: true });
  const encoder = new TextEncoder();
  const start = performance.now();
  for (let round = 0; round < TOTAL / events.length; round++) {
    let lines: string[] = [];
    for (const event of events) {
      lines.push(JSON.stringify(event));
      if (lines.length === CHUNK_LINES) {
        devnull.writeSync(encoder.encode(lines.join("\n") + "\n"));
        lines = [];
      }
    }
    if (lines.length > 0) devnull.writeSync(encoder.encode(lines.join("\n") + "\n"));
  }
  const elapsed = performance.now() - start;
  devnull.close();
  return elapsed;
}

function sleepyDestination(name: string): Destination {
  const ledger = new Ledger();
  return sinkDestination(name, {
    async write(batch) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      ledger.delivered(batch);
    },
    close() {},
  }, ledger);
}

const stream = (name: string, destination: string, mode: "block" | "drop"): StreamConfig => ({
  name,
  destinations: [destination],
  filters: { events: [], policies: [] },
  buffer: { size: 1024, mode },
});

/** Runs `source` through the implicit policy into `streams`; returns the time taken and the counters. */
async function pipeline(source: EventSource, streams: "three" | "json") {
  const destinations = new Map<string, Destination>([
    ["json", await createFileDestination("json", { path: "/dev/null", formatter: jsonFormatter })],
  ]);
  const configs = [stream(DEFAULT_STREAM, "json", "block")];
  if (streams === "three") {
    destinations.set(
      "table",
      await createFileDestination("table", { path: "/dev/null", formatter: tableFormatter }),
    );
    destinations.set("sleepy", sleepyDestination("sleepy"));
    configs.push(stream("table", "table", "block"), stream("sleepy", "sleepy", "drop"));
  }
  const router = createRouter(configs, destinations);
  const policies = await loadPolicies({ policyPaths: [], scopes: [], events: [] }, {
    defaultEvents: undefined,
  });
  const start = performance.now();
  await runPipeline({ source, policies, router });
  return { elapsed: performance.now() - start, streams: router.streams };
}

/** Already-parsed events in batches of {@link CHUNK_LINES}: the streams' own cost, without JSON parsing. */
function parsedSource(events: Event[]): EventSource {
  return {
    async *batches() {
      for (let round = 0; round < TOTAL / events.length; round++) {
        for (let i = 0; i < events.length; i += CHUNK_LINES) yield events.slice(i, i + CHUNK_LINES);
      }
    },
    stop() {},
    stats: () => ({}),
  };
}

/** Each drain decoded as the kernel source does (without its /proc-reading process tracker). */
function recordSource(drain: Drain): EventSource {
  return {
    async *batches() {
      const decoder = new RecordDecoder([1_700_000_000, 0]);
      for (let round = 0; round < TOTAL / DRAIN_RECORDS; round++) {
        const batch: Event[] = [];
        for (let i = 0; i < drain.starts.length; i++) {
          const event = decoder.decode(drain.view, drain.bytes, drain.starts[i], drain.lengths[i]);
          if (event !== undefined) batch.push(event);
        }
        yield batch;
      }
    },
    stop() {},
    stats: () => ({}),
  };
}

/** The events a drain's records decode to. */
function decodedEvents(drain: Drain): Event[] {
  const decoder = new RecordDecoder([1_700_000_000, 0]);
  return Array.from(
    drain.starts,
    (start, i) => decoder.decode(drain.view, drain.bytes, start, drain.lengths[i])!,
  );
}

/** The replayed lines: bare, the pipeline and streams only, over the same 10,000 events. */
async function replayLines() {
  const events = syntheticEvents(DISTINCT);
  const chunks = encodeChunks(events);
  bare(events.slice(0, 1000));
  const cpuStart = cpuMs();
  const bareMs = bare(events);
  const cpuBare = cpuMs();
  const result = await pipeline(createReplaySource(cycledBytes(chunks, TOTAL / DISTINCT)), "three");
  const cpuPipeline = cpuMs();
  const streamsOnly = await pipeline(parsedSource(events), "json");
  return { cpuStart, bareMs, cpuBare, result, cpuPipeline, streamsOnly };
}

if (import.meta.main) {
  // The replayed events and their JSON (about 60 MB) are not held through the kernel-records line.
  const { cpuStart, bareMs, cpuBare, result, cpuPipeline, streamsOnly } = await replayLines();
  const drain = openatDrain(DRAIN_RECORDS);
  const recordBareMs = bare(decodedEvents(drain));
  const records = await pipeline(recordSource(drain), "json");
  console.log(`bare: ${rate(TOTAL, bareMs)} events/s`);
  console.log(`pipeline: ${rate(TOTAL, result.elapsed)} events/s`);
  console.log(
    `  CPU: ${cpuPerEvent(cpuBare, cpuPipeline)} us per event (bare: ${cpuPerEvent(cpuStart, cpuBare)} us)`,
  );
  for (const { name, counters: c } of result.streams) {
    console.log(
      `  stream ${name}: matched ${c.matched}, delivered ${c.delivered}, dropped ${c.dropped}, failed ${c.failed}`,
    );
  }
  console.log(
    `streams only (parsed events -> policy -> router -> json /dev/null): ${
      rate(TOTAL, streamsOnly.elapsed)
    } events/s, ${(bareMs / streamsOnly.elapsed).toFixed(2)} of bare`,
  );
  console.log(
    `kernel records (record bytes -> decode -> policy -> router -> json /dev/null): ${
      rate(TOTAL, records.elapsed)
    } events/s; bare over the same events ${rate(TOTAL, recordBareMs)} events/s; ratio ${
      (recordBareMs / records.elapsed).toFixed(2)
    }`,
  );
  console.log(`peak RSS (sampled every 20 ms): ${peakRssMb().toFixed(0)} MB`);
  await benchPolicies();
  await benchWebhook();
  await benchOutage();
  console.log(`pipeline/bare ratio: ${(bareMs / result.elapsed).toFixed(2)}`);
}

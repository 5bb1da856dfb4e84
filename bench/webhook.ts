/**
 * `deno task bench`'s webhook lines: events/s of the webhook destination posting to Deno.serve
 * on loopback (in a Worker, so the receiver has its own thread), one event per POST and with
 * `batch=100`, through the delivery engine as a stream drives it (batches of 256 events).
 *
 * Then memory while a peer is down: sluice replays 200,000 events (`--input`) into a webhook,
 * once with the peer up, then in block and in drop mode with the peer down for as long as the
 * healthy run took (so for the first half of the run, or more). The peak RSS (VmHWM) of each
 * run should not depend on the outage: it is bounded by buffer.size plus what is in flight.
 *
 * @module
 */

import type { Destination } from "../lib/destinations/destination.ts";
import { createWebhookDestination } from "../lib/destinations/webhook.ts";
import type { Event } from "../lib/events/event.ts";
import { syntheticEvents } from "./synthetic.ts";

const BATCH = 256;

/** A receiver Worker on `port` (0: any): its port, a way to read its count, and a stop. */
export async function startReceiver(port = 0) {
  const worker = new Worker(new URL("./_webhook_server.ts", import.meta.url), {
    type: "module",
    name: String(port),
  });
  const messages: ((value: number) => void)[] = [];
  worker.onmessage = (message: MessageEvent<number>) => messages.shift()?.(message.data);
  const next = () => new Promise<number>((resolve) => messages.push(resolve));
  const listening = await next();
  return {
    port: listening,
    count: () => {
      worker.postMessage("count");
      return next();
    },
    stop: () => worker.postMessage("stop"),
  };
}

async function pump(destination: Destination, events: Event[], total: number): Promise<void> {
  const writer = destination.writable.getWriter();
  for (let sent = 0; sent < total; sent += BATCH) {
    const from = sent % events.length;
    await writer.write(events.slice(from, from + Math.min(BATCH, total - sent)));
  }
  await writer.close();
}

/** Posts `total` events to the receiver with `query`; returns events/s and whether all arrived. */
async function rate(query: string, total: number): Promise<{ perSecond: number; arrived: number }> {
  const receiver = await startReceiver();
  const destination = createWebhookDestination(
    { name: "bench", type: "webhook", format: "json", url: `http://127.0.0.1:${receiver.port}/${query}` },
    { mode: "block", warn: (line) => console.error(line) },
  );
  const events = syntheticEvents(BATCH * 40);
  const started = performance.now();
  await pump(destination, events, total);
  const seconds = (performance.now() - started) / 1000;
  const arrived = await receiver.count();
  receiver.stop();
  return { perSecond: total / seconds, arrived };
}

/** Prints the two `webhook: N events/s` lines. */
export async function benchWebhook(): Promise<void> {
  for (
    const [label, query, total] of [["one event per POST", "", 100_000], [
      "batch=100",
      "?batch=100",
      1_000_000,
    ]] as const
  ) {
    const { perSecond, arrived } = await rate(query, total);
    const lost = arrived === total ? "" : ` (only ${arrived} of ${total} arrived)`;
    console.log(`webhook: ${Math.round(perSecond).toLocaleString("en-US")} events/s (${label})${lost}`);
  }
}

const OUTAGE_EVENTS = 200_000;

/** The peak RSS (MB, the kernel's VmHWM) of a running process, read until it exits. */
async function peakRss(child: Deno.ChildProcess): Promise<number> {
  let peak = 0;
  const exited = child.status.then(() => true);
  while (!await Promise.race([exited, new Promise<false>((r) => setTimeout(() => r(false), 100))])) {
    // Deno grants /proc/PID only with --allow-all; cat reads it for us.
    const out = await new Deno.Command("cat", { args: [`/proc/${child.pid}/status`], stderr: "null" })
      .output();
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(new TextDecoder().decode(out.stdout))?.[1] ?? 0);
    peak = Math.max(peak, kb / 1024);
  }
  return peak;
}

/** One sluice run replaying `input` into a webhook on `port` that comes up after `downMs`. */
async function outageRun(input: string, mode: "block" | "drop", downMs: number) {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const main = new URL("../main.ts", import.meta.url).pathname;
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      main,
      "--input",
      input,
      "-o",
      "destinations.hook.type=webhook",
      "-o",
      `destinations.hook.url=http://127.0.0.1:${port}/`,
      "-o",
      "streams.h.destinations=hook",
      "-o",
      `streams.h.buffer.mode=${mode}`,
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const receiving = new Promise((resolve) => setTimeout(resolve, downMs)).then(() => startReceiver(port));
  const stderr = new Response(child.stderr).text();
  const peak = await peakRss(child);
  const receiver = await receiving;
  const arrived = await receiver.count();
  receiver.stop();
  const summary = (await stderr).split("\n").find((line) => line.includes("stream h:")) ?? "(no summary)";
  return { peak, ms: performance.now() - started, arrived, summary };
}

/** Prints the peak RSS of the 200,000-event runs with the peer up and down. */
export async function benchOutage(): Promise<void> {
  const input = await Deno.makeTempFile({ suffix: ".jsonl" });
  const events = syntheticEvents(10_000);
  const lines = events.map((event) => JSON.stringify(event)).join("\n") + "\n";
  await Deno.writeTextFile(input, lines.repeat(OUTAGE_EVENTS / events.length));
  const healthy = await outageRun(input, "block", 0);
  const down = healthy.ms;
  const block = await outageRun(input, "block", down);
  const drop = await outageRun(input, "drop", down);
  await Deno.remove(input);
  const mb = (n: number) => `${n.toFixed(0)} MB`;
  console.log(
    `webhook outage: peak RSS of ${OUTAGE_EVENTS.toLocaleString("en-US")} events: ${mb(healthy.peak)} ` +
      `with the peer up (${(down / 1000).toFixed(1)} s); with it down for the first ${
        (down / 1000).toFixed(1)
      } s: ` +
      `${mb(block.peak)} in block mode, ${mb(drop.peak)} in drop mode`,
  );
  for (const [label, run] of [["up", healthy], ["block", block], ["drop", drop]] as const) {
    console.log(`  ${label}: ${run.summary.replace(/^sluice: /, "")} (${run.arrived} arrived)`);
  }
}

if (import.meta.main) {
  await benchWebhook();
  await benchOutage();
}

/**
 * Starts a checked plan: opens destinations and the source, runs the pipeline, stops
 * on SIGINT/SIGTERM, drains, and prints the summary.
 *
 * @module
 */

import type { Destination } from "../destinations/destination.ts";
import { createDestination } from "../destinations/create.ts";
import { runPipeline } from "../pipeline.ts";
import { openReplaySource } from "../source/replay.ts";
import type { EventSource } from "../source/source.ts";
import { sortedSource } from "../source/sorted.ts";
import { createRouter, type Router } from "../streams/router.ts";
import type { Plan } from "./plan.ts";
import { log } from "../log.ts";

const warn = (line: string) => log.warn(line);

async function openSource(plan: Plan): Promise<EventSource> {
  const { input, log } = plan.options;
  if (input !== undefined) return await openReplaySource(input, { warn });
  const { openKernelSource } = await import("../source/bpf.ts");
  const events = plan.policies.events;
  return await openKernelSource({ events: events ?? new Set(), debug: log === "debug" });
}

function openDestinations(plan: Plan, shutdown: AbortSignal): Map<string, Destination> {
  const modeOf = new Map<string, "block" | "drop">();
  for (const stream of plan.config.streams) {
    for (const name of stream.destinations) modeOf.set(name, stream.buffer.mode);
  }
  const opened = new Map<string, Destination>();
  for (const config of plan.config.destinations) {
    opened.set(
      config.name,
      createDestination(config, { mode: modeOf.get(config.name) ?? "block", warn, shutdown }),
    );
  }
  return opened;
}

/** The summary lines printed at exit: per stream, per destination, then the source's counters. */
export function summaryLines(
  router: Router,
  destinations: Iterable<Destination>,
  sourceStats: Record<string, number>,
): string[] {
  const lines = router.streams.map(({ name, counters: c }) =>
    `stream ${name}: matched ${c.matched}, delivered ${c.delivered}, dropped ${c.dropped}`
  );
  for (const { name, metrics: m } of destinations) {
    lines.push(`destination ${name}: delivered ${m.delivered}, failed ${m.failed}, retried ${m.retried}`);
  }
  for (const [key, value] of Object.entries(sourceStats)) lines.push(`${key}: ${value}`);
  return lines;
}

/** Runs the plan to the end and returns the exit status (0 done, 1 a failure while running). */
export async function startRun(plan: Plan): Promise<number> {
  const stopping = new AbortController();
  let destinations: Map<string, Destination>;
  try {
    destinations = openDestinations(plan, stopping.signal);
  } catch (error) {
    warn(`cannot open a destination: ${(error as Error).message}`);
    return 1;
  }
  const router = createRouter(plan.config.streams, destinations);
  let source: EventSource;
  try {
    source = await openSource(plan);
    if (plan.config.sortEvents) source = sortedSource(source);
  } catch (error) {
    warn((error as Error).message);
    await router.close().catch(() => {});
    return 1;
  }

  // `deno task` forwards the terminal's SIGINT to a child that also got it from the
  // process group, so a repeat within a second is the same Ctrl-C, not a second one.
  let firstSignal = 0;
  const onSignal = () => {
    const now = performance.now();
    if (firstSignal === 0) {
      firstSignal = now;
      stopping.abort();
      source.stop();
    } else if (now - firstSignal > 1000) {
      warn("second signal: exiting without draining");
      Deno.exit(1);
    }
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);

  let status = 0;
  try {
    await runPipeline({ source, policies: plan.policies, router }, { onSourceEnd: () => stopping.abort() });
  } catch (error) {
    warn(`failure while running: ${(error as Error).message}`);
    status = 1;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
  for (const line of summaryLines(router, destinations.values(), source.stats())) log.info(line);
  return status;
}

/**
 * Starts a checked plan: opens destinations and the source, runs the pipeline, drains, and
 * prints the summary.
 *
 * Draining begins at the end of input or at the first SIGINT/SIGTERM: the source stops, every
 * queue empties into its destinations, and a destination is given up only after delivering
 * nothing for its grace period. A second signal stops at once; what is left counts as failed.
 *
 * @module
 */

import type { Destination } from "../destinations/destination.ts";
import { createDestination } from "../destinations/create.ts";
import { sleep } from "../destinations/backoff.ts";
import { runPipeline } from "../pipeline.ts";
import { openReplaySource } from "../source/replay.ts";
import type { EventSource } from "../source/source.ts";
import { sortedSource } from "../source/sorted.ts";
import { blockModeLosses, type DeliveryCounters, summaryLines } from "../streams/counters.ts";
import { createRouter, type Router } from "../streams/router.ts";
import type { Plan } from "./plan.ts";
import { operate, type Operated } from "./operate.ts";
import { log } from "../log.ts";

/** Exit status: everything accepted was delivered (or, in drop mode, counted). */
export const EXIT_OK = 0;
/** Exit status: a failure while running (a source or destination error). */
export const EXIT_FAILURE = 1;
/** Exit status: events accepted by a block-mode stream were not delivered (the summary says where). */
export const EXIT_LOST = 3;
/** After a second signal, how long the destinations get to count what they hold before sluice exits anyway. */
export const STOP_MS = 2_000;

const warn = (line: string) => log.warn(line);

async function openSource(plan: Plan): Promise<EventSource> {
  const { input, log, enrichment, buffers } = plan.options;
  if (input !== undefined) return await openReplaySource(input, { warn });
  const { openKernelSource } = await import("../source/bpf.ts");
  const events = plan.policies.events;
  return await openKernelSource({
    events: events ?? new Set(),
    debug: log === "debug",
    execEnv: enrichment.environment,
    filter: plan.policies.kernelFilter,
    ringPages: buffers.kernelEvents,
  });
}

interface Signals {
  draining: AbortSignal;
  stop: AbortSignal;
}

async function openDestinations(plan: Plan, signals: Signals): Promise<Map<string, Destination>> {
  const modeOf = new Map<string, "block" | "drop">();
  for (const stream of plan.config.streams) {
    for (const name of stream.destinations) modeOf.set(name, stream.buffer.mode);
  }
  const opened = new Map<string, Destination>();
  for (const config of plan.config.destinations) {
    const mode = modeOf.get(config.name) ?? "block";
    opened.set(config.name, await createDestination(config, { mode, warn, ...signals }));
  }
  return opened;
}

/** The line that says which destinations lost how many accepted events, or undefined when none did. */
function lossLine(counters: DeliveryCounters): string | undefined {
  const lost = blockModeLosses(counters);
  if (lost === 0) return undefined;
  const blockStreams = new Set(counters.streams.filter((s) => s.mode === "block").map((s) => s.name));
  const where = counters.destinations
    .filter((d) => blockStreams.has(d.stream) && d.failed + d.inFlight > 0)
    .map((d) => `destination ${d.name} ${d.failed + d.inFlight}`);
  return `${lost} event(s) accepted by block-mode streams were not delivered (${where.join(", ")}): ` +
    `exit status ${EXIT_LOST}`;
}

/**
 * Listens for SIGINT/SIGTERM: the first begins draining, a second (more than a second later)
 * stops at once. Returns a function that removes the listeners.
 */
function onSignals(first: () => void, second: () => void): () => void {
  // `deno task` forwards the terminal's SIGINT to a child that also got it from the
  // process group, so a repeat within a second is the same Ctrl-C, not a second one.
  let firstAt = 0;
  let stopped = false;
  const listener = () => {
    const now = performance.now();
    if (firstAt === 0) {
      firstAt = now;
      first();
    } else if (!stopped && now - firstAt > 1000) {
      stopped = true;
      second();
    }
  };
  Deno.addSignalListener("SIGINT", listener);
  Deno.addSignalListener("SIGTERM", listener);
  return () => {
    Deno.removeSignalListener("SIGINT", listener);
    Deno.removeSignalListener("SIGTERM", listener);
  };
}

/** Runs the plan to the end and returns the exit status ({@link EXIT_OK}, {@link EXIT_FAILURE}, {@link EXIT_LOST}). */
export async function startRun(plan: Plan): Promise<number> {
  const draining = new AbortController();
  const stop = new AbortController();
  const stopped = Promise.withResolvers<void>();
  // Listening from the start: a signal while the programs attach (which takes a moment) is
  // acted on once the source is open, rather than killing sluice with nothing said.
  let source: EventSource | undefined = undefined;
  const removeListeners = onSignals(() => {
    draining.abort();
    source?.stop();
  }, () => {
    warn("second signal: stopping at once; what is not yet delivered is counted as failed");
    stop.abort();
    source?.stop();
    stopped.resolve();
  });
  const failedToStart = async (message: string, router?: Router): Promise<number> => {
    log.error(message);
    source?.stop();
    await router?.close().catch(() => {});
    removeListeners();
    return EXIT_FAILURE;
  };

  let destinations: Map<string, Destination>;
  try {
    destinations = await openDestinations(plan, { draining: draining.signal, stop: stop.signal });
  } catch (error) {
    return failedToStart(`cannot open a destination: ${(error as Error).message}`);
  }
  const router: Router = createRouter(plan.config.streams, destinations);
  let opened: EventSource;
  try {
    opened = await openSource(plan);
    if (plan.config.sortEvents) opened = sortedSource(opened);
  } catch (error) {
    return failedToStart((error as Error).message, router);
  }
  source = opened;
  if (draining.signal.aborted) source.stop();
  let operated: Operated;
  try {
    const reopensFiles = [...destinations.values()].some((destination) => destination.reopen !== undefined);
    operated = await operate(plan, { router, source, reopensFiles });
  } catch (error) {
    return failedToStart((error as Error).message, router);
  }

  // logrotate renames a file destination's file, then sends SIGHUP: start a new one at the path.
  const onHangup = () => {
    for (const destination of destinations.values()) {
      destination.reopen?.().then((reopened) => {
        if (reopened) {
          log.debug(`destination ${destination.name}: SIGHUP: writing to the file now at its path`);
        }
      });
    }
  };
  Deno.addSignalListener("SIGHUP", onHangup);

  let status = EXIT_OK;
  const running = runPipeline({ source, policies: plan.policies, router: operated.router }, {
    onSourceEnd: () => draining.abort(),
  })
    .catch((error) => {
      log.error(`failure while running: ${(error as Error).message}`);
      status = EXIT_FAILURE;
    });
  // Once stopped, a destination stuck in a write that cannot be interrupted must not hold the exit.
  await Promise.race([running, stopped.promise.then(() => sleep(STOP_MS))]);
  removeListeners();
  Deno.removeSignalListener("SIGHUP", onHangup);

  const counters = router.counters();
  for (const line of summaryLines(counters)) log.info(line);
  for (const [key, value] of Object.entries(source.stats())) log.info(`${key}: ${value}`);
  const loss = lossLine(counters);
  if (loss !== undefined) log.error(loss);
  await operated.close();
  if (status !== EXIT_OK) return status;
  return loss === undefined ? EXIT_OK : EXIT_LOST;
}

/**
 * `--server`: serves Prometheus metrics and a health check while sluice runs.
 *
 * @module
 */

import { log } from "../log.ts";
import { exposition } from "./exposition.ts";
import { healthAnswer, HealthTracker } from "./healthz.ts";
import { runFamilies } from "./metrics.ts";
import { processFamilies } from "./process_metrics.ts";
import { serve } from "./server.ts";
import type { ServerSettings } from "./flags.ts";
import { readRun, type RunParts } from "./snapshot.ts";

export { countingRouter } from "./event_counts.ts";

/** A running `--server`. */
export interface Service {
  /** `http://HOST:PORT`. */
  readonly url: string;
  /** Stops the server and its sampling. */
  close(): Promise<void>;
}

/** Options of {@link startService}. */
export interface ServiceOptions {
  /** How long a destination may fail before `/healthz` answers 503. */
  graceMs: number;
  /** How often destinations are sampled for the health check. @default {1000} */
  sampleMs?: number;
}

/** The exposition text of a run right now: its counters, then the process metrics. */
export function metricsText(parts: RunParts): string {
  return exposition([...runFamilies(readRun(parts)), ...processFamilies()]);
}

/** Starts listening; throws a one-line error when the address cannot be bound. */
export function startService(settings: ServerSettings, parts: RunParts, options: ServiceOptions): Service {
  const tracker = new HealthTracker(options.graceMs);
  const sample = () => tracker.observe(readRun(parts).destinations, Date.now());
  let timer: ReturnType<typeof setInterval> | undefined;
  if (settings.healthz) {
    sample();
    const started = setInterval(sample, options.sampleMs ?? 1000);
    Deno.unrefTimer(started);
    timer = started;
  }
  const server = serve(settings, {
    metrics: settings.metrics ? () => metricsText(parts) : undefined,
    healthz: settings.healthz
      ? () => {
        sample();
        return healthAnswer(tracker.failing(Date.now()));
      }
      : undefined,
  });
  const paths = [settings.metrics ? "/metrics" : "", settings.healthz ? "/healthz" : ""].filter((p) =>
    p !== ""
  );
  const loopback = /^(127\.|localhost$|::1$)/.test(settings.hostname);
  log.info(
    `serving ${paths.join(" and ")} on ${server.url}` +
      (loopback ? " (loopback only: --server http-address=0.0.0.0:PORT serves other hosts)" : ""),
  );
  return {
    url: server.url,
    async close() {
      clearInterval(timer);
      await server.close();
    },
  };
}

/**
 * The one place `/metrics` and `/healthz` read the run's counters from: the streams' and the
 * destinations' counters, the source's statistics and the per-event counts, copied into plain
 * numbers. When the counters move or gain fields, this adapter is what changes.
 *
 * @module
 */

import type { Destination } from "../destinations/destination.ts";
import type { EventSource } from "../source/source.ts";
import type { Router } from "../streams/router.ts";

/** A stream's counters at one moment. */
export interface StreamSnapshot {
  name: string;
  /** `buffer.size`: how many events the queue holds. */
  capacity: number;
  matched: number;
  delivered: number;
  dropped: number;
  /** Present once the streams count failed events. */
  failed?: number;
}

/** A destination's counters at one moment. */
export interface DestinationSnapshot {
  name: string;
  delivered: number;
  failed: number;
  retried: number;
  /** Present once the destinations count the events they are sending. */
  inFlight?: number;
}

/** Everything the metrics and the health check read. */
export interface RunSnapshot {
  streams: StreamSnapshot[];
  destinations: DestinationSnapshot[];
  /** Records the kernel could not hand over (absent when replaying). */
  lostEvents?: number;
  /** Events that matched a policy, by event name. */
  events: ReadonlyMap<string, number>;
}

/** What a running sluice is made of, as far as its counters go. */
export interface RunParts {
  router: Router;
  destinations: Iterable<Destination>;
  source: EventSource;
  /** Each stream's `buffer.size`, by stream name. */
  capacities: ReadonlyMap<string, number>;
  events: ReadonlyMap<string, number>;
}

const optional = (value: unknown): number | undefined => typeof value === "number" ? value : undefined;

/** Copies the current counters of `parts`. */
export function readRun(parts: RunParts): RunSnapshot {
  const streams = parts.router.streams.map(({ name, counters }) => ({
    name,
    capacity: parts.capacities.get(name) ?? 0,
    matched: counters.matched,
    delivered: counters.delivered,
    dropped: counters.dropped,
    failed: optional((counters as unknown as Record<string, unknown>).failed),
  }));
  const destinations = [...parts.destinations].map(({ name, metrics }) => ({
    name,
    delivered: metrics.delivered,
    failed: metrics.failed,
    retried: metrics.retried,
    inFlight: optional((metrics as unknown as Record<string, unknown>).inFlight),
  }));
  return { streams, destinations, lostEvents: parts.source.stats()["lost events"], events: parts.events };
}

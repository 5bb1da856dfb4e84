/**
 * The one place `/metrics` and `/healthz` read the run's counters from: the streams' and the
 * destinations' counters, the source's statistics and the per-event counts, copied into plain
 * numbers. When the counters move or gain fields, this adapter is what changes.
 *
 * @module
 */

import type { EventSource } from "../source/source.ts";
import type { Router } from "../streams/router.ts";

/** A stream's counters at one moment, with its queue's capacity. */
export interface StreamSnapshot {
  name: string;
  /** `buffer.size`: how many events the queue holds. */
  capacity: number;
  matched: number;
  delivered: number;
  dropped: number;
  failed: number;
  /** Accepted and not yet settled by every destination (queued or being sent). */
  pending: number;
}

/** A destination's counters at one moment. */
export interface DestinationSnapshot {
  name: string;
  delivered: number;
  failed: number;
  retried: number;
  duplicatesPossible: number;
  inFlight: number;
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
  source: EventSource;
  /** Each stream's `buffer.size`, by stream name. */
  capacities: ReadonlyMap<string, number>;
  events: ReadonlyMap<string, number>;
}

/** Copies the current counters of `parts` (one read of the router's counters, so they agree). */
export function readRun(parts: RunParts): RunSnapshot {
  const counters = parts.router.counters();
  const streams = counters.streams.map(({ name, matched, delivered, dropped, failed, pending }) => ({
    name,
    capacity: parts.capacities.get(name) ?? 0,
    matched,
    delivered,
    dropped,
    failed,
    pending,
  }));
  const destinations = counters.destinations.map(
    ({ name, delivered, failed, retried, duplicatesPossible, inFlight }) => ({
      name,
      delivered,
      failed,
      retried,
      duplicatesPossible,
      inFlight,
    }),
  );
  return { streams, destinations, lostEvents: parts.source.stats()["lost events"], events: parts.events };
}

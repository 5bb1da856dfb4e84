/**
 * The router: each batch goes to every stream whose filters select its events.
 *
 * @module
 */

import type { StreamConfig } from "../config/types.ts";
import type { Destination } from "../destinations/destination.ts";
import type { Event } from "../events/event.ts";
import type { DeliveryCounters } from "./counters.ts";
import { fanOut } from "./fanout.ts";
import { createQueue, type StreamCounters, type StreamQueue } from "./queue.ts";
import { tallyStream } from "./tally.ts";

/** A stream as the router runs it. */
export interface RoutedStream {
  readonly name: string;
  readonly counters: StreamCounters;
}

/** Routes batches into the streams' queues. */
export interface Router {
  readonly streams: readonly RoutedStream[];
  /**
   * Offers a batch to every stream. Returns a promise only when a block-mode stream is
   * full; the caller must await it before pushing again (that is the backpressure).
   */
  push(batch: Event[]): Promise<void> | undefined;
  /** Drains every queue and closes every destination; rejects if any destination failed. */
  close(): Promise<void>;
  /** Every stream's and destination's counters, read now. */
  counters(): DeliveryCounters;
}

type Selector = (batch: Event[]) => Event[];

/** The filter of one stream: events by name, then by matched policy; none means all. */
export function streamSelector(filters: StreamConfig["filters"]): Selector {
  const events = filters.events.length > 0 ? new Set(filters.events) : undefined;
  const policies = filters.policies.length > 0 ? new Set(filters.policies) : undefined;
  if (events === undefined && policies === undefined) return (batch) => batch;
  const selected = (event: Event): boolean => {
    if (events !== undefined && !events.has(event.name)) return false;
    if (policies === undefined) return true;
    const matched = event.policies?.matched;
    if (matched === undefined) return false;
    for (const name of matched) if (policies.has(name)) return true;
    return false;
  };
  return (batch) => batch.filter(selected);
}

/**
 * Builds the streams: one queue each, fanned out to its destinations (looked up by name
 * in `destinations`; the config has already checked they exist).
 */
export function createRouter(
  streams: readonly StreamConfig[],
  destinations: ReadonlyMap<string, Destination>,
): Router {
  const routes = streams.map((stream) => {
    const targets = stream.destinations.map((name) => destinations.get(name)!);
    const queue: StreamQueue = createQueue({
      size: stream.buffer.size,
      mode: stream.buffer.mode,
      consumer: fanOut(targets),
    });
    tallyStream(queue.counters, targets);
    return { config: stream, name: stream.name, counters: queue.counters, queue, targets };
  });
  const selectors = routes.map((route) => streamSelector(route.config.filters));
  return {
    streams: routes,
    push(batch) {
      let waits: Promise<void>[] | undefined;
      for (let i = 0; i < routes.length; i++) {
        const selected = selectors[i](batch);
        if (selected.length === 0) continue;
        const wait = routes[i].queue.offer(selected);
        if (wait !== undefined) (waits ??= []).push(wait);
      }
      if (waits === undefined) return undefined;
      return waits.length === 1 ? waits[0] : Promise.all(waits).then(() => {});
    },
    async close() {
      const results = await Promise.allSettled(routes.map((route) => route.queue.close()));
      const failed = results.find((r) => r.status === "rejected");
      if (failed) throw (failed as PromiseRejectedResult).reason;
    },
    counters() {
      return {
        streams: routes.map(({ name, config, counters: c }) => ({
          name,
          mode: config.buffer.mode,
          ...c,
          pending: c.matched - c.dropped - c.delivered - c.failed,
        })),
        destinations: routes.flatMap(({ name: stream, targets }) =>
          targets.map((d) => ({ name: d.name, stream, ...d.ledger.counters() }))
        ),
      };
    },
  };
}

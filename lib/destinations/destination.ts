/**
 * The destination contract and the one helper every destination is built with.
 *
 * A destination is a `WritableStream<Event[]>`: the stream's queue pipes batches into
 * it, and its own backpressure (one batch in flight) slows the queue when it is slow.
 *
 * @module
 */

import type { Event } from "../events/event.ts";

/** Counters every destination keeps for the exit summary. */
export interface DestinationMetrics {
  /** Events the destination handed on successfully. */
  delivered: number;
  /** Events it gave up on. */
  failed: number;
  /** Attempts it repeated after a failure. */
  retried: number;
}

/** A configured destination, ready to receive batches. */
export interface Destination {
  readonly name: string;
  readonly writable: WritableStream<Event[]>;
  readonly metrics: DestinationMetrics;
  /** Files only: start writing a new file at the same path (SIGHUP after logrotate renamed it). */
  reopen?(): Promise<void>;
}

/** What a destination implements: write a batch, and flush and release everything at close. */
export interface BatchSink {
  /** Writes one batch; the next batch waits until the returned promise settles. */
  write(batch: Event[]): void | Promise<void>;
  /** Flushes what is buffered and releases resources; called once, after the last write. */
  close(): void | Promise<void>;
  /** Called instead of `close` when the pipeline is torn down with an error. */
  abort?(reason: unknown): void | Promise<void>;
}

/** Creates fresh zeroed metrics. */
export function newMetrics(): DestinationMetrics {
  return { delivered: 0, failed: 0, retried: 0 };
}

/**
 * Wraps a {@link BatchSink} as a {@link Destination}. `highWaterMark` is one batch,
 * so a slow sink pushes back on its stream after a single batch is waiting.
 */
export function sinkDestination(
  name: string,
  sink: BatchSink,
  metrics: DestinationMetrics = newMetrics(),
): Destination {
  const writable = new WritableStream<Event[]>({
    write: (batch) => sink.write(batch),
    close: () => sink.close(),
    abort: (reason) => sink.abort ? sink.abort(reason) : sink.close(),
  }, new CountQueuingStrategy({ highWaterMark: 1 }));
  return { name, writable, metrics };
}

/**
 * The destination contract and the wrapper a local destination (a file) is built with.
 * Network destinations are built by the delivery engine (engine.ts) instead.
 *
 * A destination is a `WritableStream<Event[]>`: the stream's queue pipes batches into it,
 * and its backpressure slows the queue when it is slow. Its {@link Ledger} counts what became
 * of every event and tells the stream.
 *
 * @module
 */

import type { Event } from "../events/event.ts";
import { Ledger } from "./ledger.ts";

/** A configured destination, ready to receive batches. */
export interface Destination {
  readonly name: string;
  readonly writable: WritableStream<Event[]>;
  /** Its counters, and the settlement of each event it received. */
  readonly ledger: Ledger;
  /**
   * Files only: start writing a new file at the same path (SIGHUP after logrotate renamed it).
   * Resolves `true` once writes go to the file now at the path, `false` when it kept the old one.
   */
  reopen?(): Promise<boolean>;
}

/** What a local destination implements: take a batch, and flush and release everything at close. */
export interface BatchSink {
  /**
   * Takes one batch; the next batch waits until the returned promise settles. The sink reports
   * each event to the ledger as delivered or failed, now or later.
   */
  write(batch: Event[]): void | Promise<void>;
  /** Flushes what is buffered and releases resources; called once, after the last write. */
  close(): void | Promise<void>;
  /** Called instead of `close` when the pipeline is torn down with an error. */
  abort?(reason: unknown): void | Promise<void>;
}

/**
 * Wraps a {@link BatchSink} as a {@link Destination}. `highWaterMark` is one batch, so a slow
 * sink pushes back on its stream after a single batch is waiting.
 */
export function sinkDestination(name: string, sink: BatchSink, ledger: Ledger = new Ledger()): Destination {
  const writable = new WritableStream<Event[]>({
    write: (batch) => {
      ledger.received(batch.length);
      return sink.write(batch);
    },
    close: () => sink.close(),
    abort: (reason) => sink.abort ? sink.abort(reason) : sink.close(),
  }, new CountQueuingStrategy({ highWaterMark: 1 }));
  return { name, writable, ledger };
}

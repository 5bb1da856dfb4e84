/**
 * A stream's bounded queue: a web TransformStream whose writable side holds at most
 * `buffer.size` events (batches are the chunks; each counts as its length).
 *
 * `block` mode waits for room, which stops the router and so the source; `drop` mode
 * writes what fits and counts the rest. Nothing accepted is discarded: close drains.
 *
 * @module
 */

import type { BufferMode } from "../config/types.ts";
import type { Event } from "../events/event.ts";

/** Per-stream counters. Once the stream has drained, `matched = delivered + dropped + failed`. */
export interface StreamCounters {
  /** Events that passed the stream's filters. */
  matched: number;
  /** Matched events a full drop-mode queue turned away. */
  dropped: number;
  /** Events every one of the stream's destinations delivered (kept by tally.ts). */
  delivered: number;
  /** Events at least one of its destinations failed, once all have settled them (kept by tally.ts). */
  failed: number;
}

/** The writable end the router offers batches to. */
export interface StreamQueue {
  readonly counters: StreamCounters;
  /**
   * Offers a batch. Returns a promise only when the caller must wait before offering
   * more (block mode with a full queue); drop mode never asks the caller to wait.
   * Throws once the stream's consumer has failed.
   */
  offer(batch: Event[]): Promise<void> | undefined;
  /** Accepts no more batches, delivers everything queued, closes the consumer, resolves when done. */
  close(): Promise<void>;
}

/** Options of {@link createQueue}. */
export interface QueueOptions {
  size: number;
  mode: BufferMode;
  /** Receives the queued batches in order; its backpressure is what fills the queue. */
  consumer: WritableStream<Event[]>;
}

/** Creates a queue feeding `consumer`. */
export function createQueue(options: QueueOptions): StreamQueue {
  const counters: StreamCounters = { matched: 0, dropped: 0, delivered: 0, failed: 0 };
  const { size, mode } = options;
  const queue = new TransformStream<Event[], Event[]>(
    undefined,
    { highWaterMark: size, size: (batch) => batch.length },
    { highWaterMark: 0, size: (batch) => batch.length },
  );
  const writer = queue.writable.getWriter();
  const piped = queue.readable.pipeTo(options.consumer);
  let failure: unknown;
  piped.catch((error) => failure ??= error);
  const rejected = (error: unknown) => failure ??= error;

  return {
    counters,
    offer(batch) {
      // A destination that failed for good ends the run instead of queueing for nobody.
      if (failure !== undefined) throw failure;
      counters.matched += batch.length;
      const room = writer.desiredSize ?? 0;
      if (mode === "drop") {
        if (room >= batch.length) writer.write(batch).catch(rejected);
        else {
          if (room > 0) writer.write(batch.slice(0, room)).catch(rejected);
          counters.dropped += batch.length - Math.max(room, 0);
        }
        return undefined;
      }
      writer.write(batch).catch(rejected);
      if ((writer.desiredSize ?? 0) <= 0) return writer.ready;
      return undefined;
    },
    async close() {
      await writer.close().catch(rejected);
      await piped.catch(() => {});
      if (failure !== undefined) throw failure;
    },
  };
}

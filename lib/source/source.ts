/**
 * The contract every event source keeps: batches in, a way to stop, counters out.
 *
 * @module
 */

import type { Event } from "../events/event.ts";

/** Where events come from: the kernel (`bpf.ts`) or a recording (`replay.ts`). */
export interface EventSource {
  /**
   * Yields one batch per read until the source ends or {@link EventSource.stop} is
   * called. The consumer awaits its own work before asking for the next batch, which
   * is how block-mode backpressure reaches the source.
   */
  batches(): AsyncIterable<Event[]>;
  /** Ends the batches at the next opportunity; what was already read is still yielded. */
  stop(): void;
  /** Counters for the exit summary, e.g. `{ "lost events": 0 }`. */
  stats(): Record<string, number>;
}

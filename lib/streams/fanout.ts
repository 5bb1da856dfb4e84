/**
 * Broadcast: one stream's batches to every one of its destinations.
 *
 * @module
 */

import type { Destination } from "../destinations/destination.ts";
import type { Event } from "../events/event.ts";

/**
 * A writable that hands each batch to every destination and resolves when all have
 * taken it, so the slowest destination paces the stream (as Tracee documents).
 */
export function fanOut(destinations: readonly Destination[]): WritableStream<Event[]> {
  if (destinations.length === 1) return destinations[0].writable;
  const writers = destinations.map((d) => d.writable.getWriter());
  const all = (each: (w: WritableStreamDefaultWriter<Event[]>) => Promise<void>) =>
    Promise.all(writers.map(each)).then(() => {});
  return new WritableStream<Event[]>({
    write: (batch) => all((w) => w.write(batch)),
    close: () => all((w) => w.close()),
    abort: (reason) => all((w) => w.abort(reason)),
  });
}

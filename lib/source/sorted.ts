/**
 * Tracee's `sort-events`: a source whose events come out in timestamp order. Events are held
 * until an event newer than them by the window has been read (one CPU's record can reach the
 * ring buffer after a later one from another CPU), or until the source has been quiet for the
 * window; at the end, everything held comes out. Within that window the order is exact.
 *
 * @module
 */

import type { Event } from "../events/event.ts";
import type { EventSource } from "./source.ts";

/** Options of {@link sortedSource}. */
export interface SortOptions {
  /** How far behind the newest event a held event must be to come out. @default {100} */
  windowMs?: number;
}

/** A timestamp as nanoseconds since `base` seconds: exact in a double for about a hundred days. */
function keyOf(timestamp: string, base: number): number {
  const dot = timestamp.indexOf(".");
  const end = timestamp.search(/[Zz+-](?=[^T]*$)/);
  const whole = dot < 0 ? timestamp : timestamp.slice(0, dot) + timestamp.slice(end);
  const seconds = Date.parse(whole) / 1000;
  const fraction = dot < 0 ? "" : timestamp.slice(dot + 1, end);
  return Number.isNaN(seconds)
    ? Infinity
    : (seconds - base) * 1e9 + Number(fraction.padEnd(9, "0").slice(0, 9));
}

interface Held {
  key: number;
  order: number;
  event: Event;
}

const QUIET = Symbol("quiet");

/** `source` with its events in timestamp order (a stable sort: equal times keep their order). */
export function sortedSource(source: EventSource, options: SortOptions = {}): EventSource {
  const windowNs = (options.windowMs ?? 100) * 1e6;
  return {
    stop: () => source.stop(),
    stats: () => source.stats(),
    async *batches(): AsyncGenerator<Event[]> {
      let held: Held[] = [];
      let base: number | undefined;
      let newest = -Infinity;
      let order = 0;
      const release = (limit: number): Event[] => {
        held.sort((a, b) => a.key - b.key || a.order - b.order);
        const cut = limit === Infinity ? held.length : held.findIndex((h) => h.key > limit);
        const out = held.slice(0, cut < 0 ? held.length : cut).map((h) => h.event);
        held = held.slice(out.length);
        return out;
      };
      const reader = source.batches()[Symbol.asyncIterator]();
      let next = reader.next();
      for (;;) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const quiet = new Promise<typeof QUIET>((resolve) => {
          if (held.length > 0) timer = setTimeout(() => resolve(QUIET), options.windowMs ?? 100);
        });
        const result = held.length === 0 ? await next : await Promise.race([next, quiet]);
        clearTimeout(timer);
        if (result === QUIET) {
          yield release(Infinity);
          continue;
        }
        if (result.done) break;
        next = reader.next();
        for (const event of result.value) {
          base ??= Math.floor(Date.parse(event.timestamp) / 1000) || 0;
          const key = keyOf(event.timestamp, base);
          if (key !== Infinity && key > newest) newest = key;
          held.push({ key, order: order++, event });
        }
        const out = release(newest - windowNs);
        if (out.length > 0) yield out;
      }
      if (held.length > 0) yield release(Infinity);
    },
  };
}

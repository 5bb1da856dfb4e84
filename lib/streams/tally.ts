/**
 * A stream's `delivered` and `failed`, from what its destinations report: an event counts as
 * delivered once every destination of the stream has delivered it, and as failed once all
 * have settled it and at least one failed it.
 *
 * @module
 */

import type { Destination } from "../destinations/destination.ts";
import type { Event } from "../events/event.ts";

/** The part of a stream's counters the tally keeps. */
export interface Settled {
  delivered: number;
  failed: number;
}

/**
 * Listens to every destination of one stream and keeps `counters` up to date. Each event object
 * enters a stream once (sources make a new object per event), which is what lets a stream with
 * several destinations match their reports event by event.
 */
export function tallyStream(counters: Settled, destinations: readonly Destination[]): void {
  if (destinations.length === 1) {
    destinations[0].ledger.listen((events, delivered) => {
      if (delivered) counters.delivered += events.length;
      else counters.failed += events.length;
    });
    return;
  }
  // Per event not yet settled by all: the reports still due times two, plus one once any failed it.
  const open = new Map<Event, number>();
  const settle = (event: Event, delivered: boolean) => {
    const before = open.get(event) ?? destinations.length * 2;
    const failedBit = (before % 2) | (delivered ? 0 : 1);
    const due = (before >> 1) - 1;
    if (due > 0) open.set(event, due * 2 + failedBit);
    else {
      open.delete(event);
      if (failedBit === 0) counters.delivered++;
      else counters.failed++;
    }
  };
  for (const destination of destinations) {
    destination.ledger.listen((events, delivered) => {
      for (const event of events) settle(event, delivered);
    });
  }
}

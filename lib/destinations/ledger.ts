/**
 * What became of the events a destination was given: the one place a destination's counters
 * are kept, and where its stream hears which events were delivered and which failed.
 *
 * Every event a destination receives ends up delivered or failed exactly once; until then it
 * is in flight. So `received = delivered + failed + inFlight` holds at every moment.
 *
 * @module
 */

import type { Event } from "../events/event.ts";

/** A destination's counters, as the summary and `/metrics` show them. */
export interface DestinationCounters {
  /** Events the destination handed on (written, or accepted by its peer). */
  delivered: number;
  /** Events it gave up on. */
  failed: number;
  /** Events sent again after a failed attempt (one event resent twice counts twice). */
  retried: number;
  /** Of the retried, those whose earlier attempt may have arrived (a timeout or a reset): possible duplicates. */
  duplicatesPossible: number;
  /** Events received and not yet delivered or failed. */
  inFlight: number;
}

/** Hears each settled group of events: `delivered` true, or false when they failed. */
export type SettleListener = (events: readonly Event[], delivered: boolean) => void;

/** The counters of one destination and the listeners of its settlements. */
export class Ledger {
  #received = 0;
  #delivered = 0;
  #failed = 0;
  #retried = 0;
  #duplicates = 0;
  #listeners: SettleListener[] = [];

  /** Adds `listener`; it hears every settlement from now on. */
  listen(listener: SettleListener): void {
    this.#listeners.push(listener);
  }

  /** `count` events were handed to the destination. */
  received(count: number): void {
    this.#received += count;
  }

  /** `events` (received earlier) were delivered. */
  delivered(events: readonly Event[]): void {
    if (events.length === 0) return;
    this.#delivered += events.length;
    for (const listener of this.#listeners) listener(events, true);
  }

  /** `events` (received earlier) failed for good. */
  failed(events: readonly Event[]): void {
    if (events.length === 0) return;
    this.#failed += events.length;
    for (const listener of this.#listeners) listener(events, false);
  }

  /** `count` events are being sent again; `uncertain` when the failed attempt may have arrived. */
  retried(count: number, uncertain: boolean): void {
    this.#retried += count;
    if (uncertain) this.#duplicates += count;
  }

  /** The counters now. */
  counters(): DestinationCounters {
    return {
      delivered: this.#delivered,
      failed: this.#failed,
      retried: this.#retried,
      duplicatesPossible: this.#duplicates,
      inFlight: this.#received - this.#delivered - this.#failed,
    };
  }
}

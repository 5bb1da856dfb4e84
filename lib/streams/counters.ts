/**
 * Every delivery counter of a run in one read: per stream and per destination, as the exit
 * summary prints them and `/metrics` exports them. Taken from one snapshot, so they agree.
 *
 * @module
 */

import type { BufferMode } from "../config/types.ts";
import type { DestinationCounters } from "../destinations/ledger.ts";
import type { StreamCounters } from "./queue.ts";

/** One stream's counters. `matched = delivered + dropped + failed + pending` at every moment. */
export interface StreamSnapshot extends StreamCounters {
  name: string;
  mode: BufferMode;
  /** Matched, not dropped, and not yet settled by all destinations (queued or in flight). */
  pending: number;
}

/** One destination's counters, and the stream it belongs to. */
export interface DestinationSnapshot extends DestinationCounters {
  name: string;
  stream: string;
}

/** Every stream's and destination's counters, read at one moment. */
export interface DeliveryCounters {
  streams: StreamSnapshot[];
  destinations: DestinationSnapshot[];
}

/** The events accepted by block-mode streams and not delivered: failed, or still pending at exit. */
export function blockModeLosses(counters: DeliveryCounters): number {
  return counters.streams
    .filter((stream) => stream.mode === "block")
    .reduce((sum, stream) => sum + stream.failed + stream.pending, 0);
}

/** The exit summary: a line per stream, then per destination; what is still pending only when any is. */
export function summaryLines(counters: DeliveryCounters): string[] {
  const lines = counters.streams.map((s) => {
    const pending = s.pending === 0 ? "" : `, still pending ${s.pending}`;
    return `stream ${s.name}: matched ${s.matched}, delivered ${s.delivered}, dropped ${s.dropped}, ` +
      `failed ${s.failed}${pending}`;
  });
  for (const d of counters.destinations) {
    const inFlight = d.inFlight === 0 ? "" : `, still in flight ${d.inFlight}`;
    lines.push(
      `destination ${d.name}: delivered ${d.delivered}, failed ${d.failed}, retried ${d.retried}, ` +
        `possible duplicates ${d.duplicatesPossible}${inFlight}`,
    );
  }
  return lines;
}

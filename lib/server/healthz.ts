/**
 * Health of a running sluice for `/healthz`: unhealthy while a destination has been failing for
 * longer than the grace period, i.e. it kept failing or retrying and delivered nothing since.
 *
 * A destination that delivers anything is healthy again; one that neither delivers nor fails
 * (nothing to send, or a request still in flight) keeps its state.
 *
 * @module
 */

import type { DestinationSnapshot } from "./snapshot.ts";

/** A destination that has been failing longer than the grace period. */
export interface Failing {
  name: string;
  /** How long it has been failing, in milliseconds. */
  forMs: number;
}

interface Seen {
  delivered: number;
  troubles: number;
  failingSince?: number;
}

/** Follows each destination's counters over time; feed it with {@link HealthTracker.observe}. */
export class HealthTracker {
  readonly #graceMs: number;
  readonly #seen = new Map<string, Seen>();

  /** `graceMs`: how long a destination may fail before sluice reports itself unhealthy. */
  constructor(graceMs: number) {
    this.#graceMs = graceMs;
  }

  /** Records the counters read at `now` (milliseconds). */
  observe(destinations: readonly DestinationSnapshot[], now: number): void {
    for (const d of destinations) {
      const troubles = d.failed + d.retried;
      const before = this.#seen.get(d.name);
      if (before === undefined) {
        this.#seen.set(d.name, {
          delivered: d.delivered,
          troubles,
          failingSince: troubles > 0 && d.delivered === 0 ? now : undefined,
        });
        continue;
      }
      if (d.delivered > before.delivered) before.failingSince = undefined;
      else if (troubles > before.troubles) before.failingSince ??= now;
      before.delivered = d.delivered;
      before.troubles = troubles;
    }
  }

  /** The destinations failing for longer than the grace period at `now`, longest first. */
  failing(now: number): Failing[] {
    const failing: Failing[] = [];
    for (const [name, seen] of this.#seen) {
      if (seen.failingSince !== undefined && now - seen.failingSince > this.#graceMs) {
        failing.push({ name, forMs: now - seen.failingSince });
      }
    }
    return failing.sort((a, b) => b.forMs - a.forMs);
  }
}

/** The `/healthz` answer: 200 `OK`, or 503 with `NOT OK` and a line per failing destination. */
export function healthAnswer(failing: readonly Failing[]): { status: number; body: string } {
  if (failing.length === 0) return { status: 200, body: "OK\n" };
  const lines = failing.map((f) => `destination ${f.name}: failing for ${Math.round(f.forMs / 1000)} s`);
  return { status: 503, body: ["NOT OK", ...lines].join("\n") + "\n" };
}

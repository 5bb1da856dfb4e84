/**
 * The warning lines of a network destination, written for a person: one when it starts
 * failing (with the reason), at most one every few seconds while it keeps failing, and one
 * when it has recovered (how long, how many retries). Never a line per retry.
 *
 * @module
 */

/** How often a destination that keeps failing says so again. */
export const REPORT_EVERY_MS = 5_000;
/** How long without a failure, after a success, before a failing destination counts as recovered. */
export const QUIET_MS = 2_000;

/** Options of {@link Health}. */
export interface HealthOptions {
  /** Prints one line. */
  warn: (line: string) => void;
  /** @default {REPORT_EVERY_MS} */
  reportEveryMs?: number;
  /** @default {QUIET_MS} */
  quietMs?: number;
  /** The clock, in milliseconds. @default {performance.now} */
  now?: () => number;
}

/** What one failed attempt did. */
export interface Failure {
  reason: string;
  /** The events will be sent again. */
  retrying: boolean;
  /** How many events the attempt carried. */
  events: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Tracks one destination's failure streak and prints its few lines. */
export class Health {
  readonly #name: string;
  readonly #warn: (line: string) => void;
  readonly #every: number;
  readonly #quiet: number;
  readonly #now: () => number;
  #since: number | undefined;
  #lastFailure = 0;
  #lastLine = 0;
  #lastSuccess = -Infinity;
  #retries = 0;
  #failed = 0;

  /** `name`: the destination's, for each line. */
  constructor(name: string, options: HealthOptions) {
    this.#name = name;
    this.#warn = options.warn;
    this.#every = options.reportEveryMs ?? REPORT_EVERY_MS;
    this.#quiet = options.quietMs ?? QUIET_MS;
    this.#now = options.now ?? (() => performance.now());
  }

  /** True between the first failure of a streak and the recovery. */
  get failing(): boolean {
    return this.#since !== undefined;
  }

  /** An attempt failed. */
  failure(failure: Failure): void {
    const now = this.#now();
    if (failure.retrying) this.#retries += failure.events;
    else this.#failed += failure.events;
    this.#lastFailure = now;
    const what = failure.retrying ? "retrying" : `${plural(failure.events, "event")} counted as failed`;
    if (this.#since === undefined) {
      this.#since = now;
      this.#lastLine = now;
      this.#warn(`destination ${this.#name}: failing: ${failure.reason}; ${what}`);
    } else if (now - this.#lastLine >= this.#every) {
      this.#lastLine = now;
      this.#warn(
        `destination ${this.#name}: still failing after ${seconds(now - this.#since)}: ${failure.reason}; ` +
          `${this.#tally()} so far`,
      );
    }
  }

  /** An attempt delivered its events. */
  success(): void {
    if (this.#since === undefined) return;
    const now = this.#now();
    this.#lastSuccess = now;
    if (now - this.#lastFailure >= this.#quiet) this.#recovered(now);
  }

  /** The destination closes: a streak that ended in a success is reported as recovered. */
  close(): void {
    if (this.#since !== undefined && this.#lastSuccess > this.#lastFailure) {
      this.#recovered(this.#lastSuccess);
    }
  }

  #tally(): string {
    const parts = [plural(this.#retries, "event") + " retried"];
    if (this.#failed > 0) parts.push(`${plural(this.#failed, "event")} failed`);
    return parts.join(", ");
  }

  #recovered(now: number): void {
    this.#warn(
      `destination ${this.#name}: recovered after ${seconds(now - this.#since!)} (${this.#tally()})`,
    );
    this.#since = undefined;
    this.#retries = 0;
    this.#failed = 0;
  }
}

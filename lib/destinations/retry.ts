/**
 * Retry with exponential backoff and jitter, shared by the network destinations.
 *
 * A block-mode stream retries until delivery or until sluice shuts down; a drop-mode
 * stream gives up after a few tries. Shutdown starts a grace period: waits are cut short
 * at its end and no new attempt starts after it, so a dead peer cannot hold exit forever.
 *
 * @module
 */

import type { BufferMode } from "../config/types.ts";

/** The first wait after a failure, in milliseconds. */
export const FIRST_DELAY_MS = 100;
/** The longest wait between two attempts, `Retry-After` included. */
export const MAX_DELAY_MS = 30_000;
/** Attempts in all (the first one included) before a drop-mode stream gives up. */
export const DROP_MODE_ATTEMPTS = 4;
/** How long a block-mode destination keeps retrying once shutdown has begun. */
export const SHUTDOWN_GRACE_MS = 10_000;

/** Options of the network destinations. */
export interface NetworkDestinationOptions {
  /** The buffer mode of the destination's stream. */
  mode: BufferMode;
  /** Aborted when sluice begins to shut down: block-mode retries then end after the grace period. */
  shutdown?: AbortSignal;
  /** How long block-mode retries go on once shutdown begins (default 10 s). */
  shutdownGraceMs?: number;
  /** Reports a one-line warning (a failure streak's start, a give-up); stderr by default. */
  warn?: (line: string) => void;
}

/** The result of one attempt. */
export type Attempt =
  | { ok: true }
  | { ok: false; retry: boolean; reason: string; retryAfterMs?: number };

/**
 * The next wait with "decorrelated jitter": a random time between the first delay and
 * three times the previous wait, capped. `random` returns a number in [0, 1).
 */
export function nextDelay(previousMs: number, random: () => number = Math.random): number {
  const low = FIRST_DELAY_MS;
  const high = Math.max(low, previousMs * 3);
  return Math.min(MAX_DELAY_MS, low + Math.floor(random() * (high - low)));
}

/**
 * Milliseconds a `Retry-After` header asks for (delta-seconds or an HTTP date), capped at
 * {@link MAX_DELAY_MS}; `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    ms = date - now;
  }
  return Math.min(MAX_DELAY_MS, Math.max(0, ms));
}

/**
 * The shutdown clock of one destination: before shutdown every wait runs in full; once
 * begun, waits end at the grace deadline and {@link ShutdownClock.expired} turns true.
 */
export class ShutdownClock {
  #deadline = Infinity;
  #abandoned = false;
  /** Sleepers and their timers (undefined: waiting for a deadline not yet set). */
  #sleepers = new Map<() => void, ReturnType<typeof setTimeout> | undefined>();

  /** `graceMs`: how long retries go on after shutdown begins. */
  constructor(readonly graceMs: number = SHUTDOWN_GRACE_MS, signal?: AbortSignal) {
    if (signal?.aborted) this.begin();
    else signal?.addEventListener("abort", () => this.begin(), { once: true });
  }

  /** Starts the grace period (idempotent; the first call sets the deadline). */
  begin(): void {
    if (this.#deadline !== Infinity) return;
    this.#deadline = Date.now() + this.graceMs;
    // A sleeper whose wait outlasts the grace period wakes at the deadline instead.
    for (const [wake, timer] of this.#sleepers) {
      clearTimeout(timer);
      this.#sleepers.set(wake, setTimeout(wake, this.graceMs));
    }
  }

  /** True once the grace period after shutdown has run out. */
  expired(): boolean {
    return Date.now() >= this.#deadline;
  }

  /**
   * True once a delivery failed after the grace period: the peer is down while sluice
   * exits, so what is left is counted as failed without trying (each try could take a
   * whole timeout). A peer that still answers is drained in full.
   */
  get abandoned(): boolean {
    return this.#abandoned;
  }

  /** Marks the peer as given up on (see {@link ShutdownClock.abandoned}). */
  abandon(): void {
    this.#abandoned = true;
  }

  /** Milliseconds left before the deadline (Infinity before shutdown). */
  remaining(): number {
    return this.#deadline - Date.now();
  }

  /**
   * Waits `ms` (Infinity: until the grace deadline), or less if the deadline comes first
   * or `cancel` is aborted (the caller stopped waiting; no timer is left behind).
   */
  sleep(ms: number, cancel?: AbortSignal): Promise<void> {
    const left = this.remaining();
    // Past the deadline a finite wait runs in full (a last attempt's own timeout); an endless one ends at once.
    const wait = left > 0 ? Math.min(ms, left) : Number.isFinite(ms) ? ms : 0;
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(this.#sleepers.get(wake));
        this.#sleepers.delete(wake);
        cancel?.removeEventListener("abort", wake);
        resolve();
      };
      if (cancel?.aborted) return resolve();
      cancel?.addEventListener("abort", wake, { once: true });
      this.#sleepers.set(wake, Number.isFinite(wait) ? setTimeout(wake, wait) : undefined);
    });
  }
}

/** Options of {@link deliver}. */
export interface DeliverOptions {
  /** block: retry until delivered or the shutdown grace ends; drop: give up after a few tries. */
  mode: BufferMode;
  clock: ShutdownClock;
  /** Called before each repeated attempt (for the `retried` metric) with the last failure. */
  onRetry: (reason: string) => void;
  /** Called once when the destination gives up, with the last reason. */
  onGiveUp: (reason: string) => void;
  random?: () => number;
}

/**
 * Runs `attempt` until it succeeds, fails for good, runs out of tries (drop mode) or of
 * shutdown grace (block mode). Resolves true when delivered.
 */
export async function deliver(attempt: () => Promise<Attempt>, options: DeliverOptions): Promise<boolean> {
  const { clock } = options;
  const limit = options.mode === "drop" ? DROP_MODE_ATTEMPTS : Infinity;
  if (clock.abandoned) {
    options.onGiveUp(`peer still down ${clock.graceMs} ms after shutdown began`);
    return false;
  }
  let delay = 0;
  for (let tries = 1;; tries++) {
    const result = await attempt();
    if (result.ok) return true;
    if (clock.expired()) clock.abandon();
    if (!result.retry || tries >= limit || clock.expired()) {
      options.onGiveUp(result.reason);
      return false;
    }
    delay = nextDelay(delay, options.random);
    await clock.sleep(Math.max(delay, result.retryAfterMs ?? 0));
    if (clock.expired()) {
      clock.abandon();
      options.onGiveUp(`${result.reason} (shutdown grace of ${clock.graceMs} ms ended)`);
      return false;
    }
    options.onRetry(result.reason);
  }
}

/**
 * The delivery engine every network destination runs on. A destination implements only a
 * {@link Transport} ("pack these events into parcels", "send this parcel"); the engine does
 * the rest, the same way for all of them:
 *
 * - A bounded number of parcels in flight; the stream waits while all slots are taken, so
 *   memory is bounded by the stream's buffer plus what is in flight, however long a peer is down.
 * - Retries with backoff and jitter, at least as long as the peer's `Retry-After`. A block-mode
 *   stream's destination retries until delivered; a drop-mode one gives up after a few tries.
 * - The grace rule: once draining begins (end of input or a signal) a destination that is still
 *   delivering keeps going; one that has delivered nothing for the grace period is given up, and
 *   what it still holds is counted as failed. A hard stop (a second signal) gives up at once.
 * - Counters (the {@link Ledger}) and a few readable warning lines ({@link Health}); an event
 *   the transport could not format fails at once, and the first such failure is reported.
 *
 * @module
 */

import type { BufferMode } from "../config/types.ts";
import type { Event } from "../events/event.ts";
import { formatFailureReporter, type FormattedBatch } from "../format/format.ts";
import { DROP_MODE_ATTEMPTS, nextDelay, sleep } from "./backoff.ts";
import type { Destination } from "./destination.ts";
import { Health } from "./health.ts";
import { Ledger } from "./ledger.ts";

/** Events sent together in one attempt, and what the transport made of them. */
export interface Parcel<P> {
  events: Event[];
  payload: P;
}

/** What one attempt achieved. */
export type Outcome<P> =
  | { ok: true }
  | {
    ok: false;
    /** Why, for the warning line: the HTTP status, the error, with the peer's hints. */
    reason: string;
    /** Worth trying again (a 5xx, a timeout, a refused connection); false: the events failed for good. */
    retry: boolean;
    /** The peer asked for this long a wait (`Retry-After`). */
    retryAfterMs?: number;
    /** The attempt may have arrived although it failed (a timeout, a reset): a resend may duplicate. */
    uncertain?: boolean;
    /** Part of the parcel was delivered: those events, and the parcel of the rest to try again. */
    partial?: { delivered: Event[]; rest: Parcel<P> };
  };

/**
 * What a transport made of a batch: the parcels to send, and the events whose format failed
 * (a template's runtime error), which are counted as failed and never sent.
 */
export interface Packed<P> extends Pick<FormattedBatch, "failed" | "failures"> {
  /** Sent one attempt each, in order. */
  parcels: Parcel<P>[];
}

/** The part of a network destination that differs between webhook and forward. */
export interface Transport<P> {
  /** Formats events into the parcels sent one attempt each, in order. */
  pack(events: Event[]): Packed<P>;
  /** One attempt. `signal` aborts when the engine gives up: the attempt should end at once. */
  send(parcel: Parcel<P>, signal: AbortSignal): Promise<Outcome<P>>;
  /** Releases connections; called once, after the last attempt, and must not hang. */
  close(): Promise<void>;
}

/** Options of {@link engineDestination}. */
export interface EngineOptions {
  /** The destination's name, for counters and lines. */
  name: string;
  /** The buffer mode of the destination's stream. */
  mode: BufferMode;
  /** Attempts (requests) on the wire at once. */
  inFlight: number;
  /**
   * Parcels held at once: on the wire or waiting to be retried. A write waits while this many
   * are held, which bounds memory; 1 (with `inFlight` 1) keeps strict order.
   */
  held: number;
  /** How long a draining destination may deliver nothing before it is given up. */
  graceMs: number;
  /** Aborted when draining begins: end of input, or the first SIGINT/SIGTERM. */
  draining?: AbortSignal;
  /** Aborted to stop at once (a second signal): what is left is counted as failed. */
  stop?: AbortSignal;
  /** Prints one warning line. */
  warn: (line: string) => void;
  /** For backoff jitter; returns a number in [0, 1). @default {Math.random} */
  random?: () => number;
}

/** What a network destination's creator passes on to the engine (the rest comes from its URL). */
export type NetworkOptions = Omit<EngineOptions, "name" | "inFlight" | "held" | "graceMs">;

/** How often a draining destination checks whether it still makes progress. */
const WATCH_MS = 100;

/** A counting semaphore: `take` waits while all slots are taken; waiters are served in order. */
class Slots {
  #free: number;
  #waiters: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  take(): Promise<void> | void {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  give(): void {
    const next = this.#waiters.shift();
    if (next !== undefined) next();
    else this.#free++;
  }
}

/** Runs `transport` as a destination with the engine's rules. */
export function engineDestination<P>(transport: Transport<P>, options: EngineOptions): Destination {
  const { name, mode, graceMs } = options;
  const ledger = new Ledger();
  const health = new Health(name, { warn: options.warn });
  const reportFormatFailures = formatFailureReporter(name, options.warn);
  const halt = new AbortController();
  const running = new Set<Promise<void>>();
  const sending = new Slots(options.inFlight);
  const holding = new Slots(options.held);
  let lastProgress = performance.now();
  let successes = 0;
  // Sleepers between retries wake early when another request gets through: the peer is back.
  let nudge = new AbortController();
  let sleepers = 0;
  let watch: ReturnType<typeof setInterval> | undefined;

  const progress = () => lastProgress = performance.now();
  const succeeded = () => {
    successes++;
    progress();
    if (sleepers > 0) wakeSleepers();
  };
  const wakeSleepers = () => {
    nudge.abort();
    nudge = new AbortController();
  };
  /** Waits out a backoff: `ms`, or less if the peer comes back; never less than `atLeastMs` (Retry-After). */
  const backOff = async (ms: number, atLeastMs: number) => {
    const floor = performance.now() + atLeastMs;
    sleepers++;
    await sleep(ms, nudge.signal);
    sleepers--;
    const left = floor - performance.now();
    if (left > 0) await sleep(left, halt.signal);
  };
  const giveUp = (line: string | undefined) => {
    if (halt.signal.aborted) return;
    if (line !== undefined) options.warn(line);
    halt.abort();
    wakeSleepers();
  };

  async function attempt(parcel: Parcel<P>): Promise<Outcome<P>> {
    await sending.take();
    try {
      return await transport.send(parcel, halt.signal);
    } catch (error) {
      return { ok: false, retry: true, reason: (error as Error).message ?? String(error) };
    } finally {
      sending.give();
    }
  }

  async function deliver(parcel: Parcel<P>): Promise<void> {
    let current = parcel;
    let delay = 0;
    let successesBefore = successes;
    for (let tries = 1;; tries++) {
      if (halt.signal.aborted) return ledger.failed(current.events);
      const outcome = await attempt(current);
      if (outcome.ok) {
        ledger.delivered(current.events);
        succeeded();
        health.success();
        return;
      }
      if (outcome.partial !== undefined) {
        ledger.delivered(outcome.partial.delivered);
        if (outcome.partial.delivered.length > 0) succeeded();
        current = outcome.partial.rest;
      }
      if (halt.signal.aborted) return ledger.failed(current.events);
      const retrying = outcome.retry && (mode === "block" || tries < DROP_MODE_ATTEMPTS);
      health.failure({ reason: outcome.reason, retrying, events: current.events.length });
      if (!retrying) {
        // An answer that settles events is progress too: the peer is there.
        if (!outcome.retry) progress();
        return ledger.failed(current.events);
      }
      // Backoff grows only while nothing gets through: a peer that delivers others' requests is not down.
      if (successes > successesBefore) delay = 0;
      successesBefore = successes;
      delay = nextDelay(delay, options.random);
      const retryAfter = outcome.retryAfterMs ?? 0;
      await backOff(Math.max(delay, retryAfter), retryAfter);
      if (halt.signal.aborted) return ledger.failed(current.events);
      ledger.retried(current.events.length, outcome.uncertain === true);
    }
  }

  async function dispatch(parcel: Parcel<P>): Promise<void> {
    await holding.take();
    const delivering = deliver(parcel).finally(() => {
      running.delete(delivering);
      holding.give();
    });
    running.add(delivering);
  }

  const watchProgress = () => {
    // Nothing in flight is idle, not stuck: the grace counts from the next send.
    if (running.size === 0) progress();
    else if (performance.now() - lastProgress >= graceMs) {
      const held = ledger.counters().inFlight;
      giveUp(
        `destination ${name}: nothing delivered for ${graceMs / 1000} s while draining: giving up; ` +
          `${held} event(s) still held and any that follow are counted as failed`,
      );
    }
  };
  const startDraining = () => {
    if (watch !== undefined || halt.signal.aborted) return;
    progress();
    watch = setInterval(watchProgress, WATCH_MS);
  };
  const stopWatching = () => {
    if (watch !== undefined) clearInterval(watch);
    options.draining?.removeEventListener("abort", startDraining);
    options.stop?.removeEventListener("abort", stopNow);
  };
  const stopNow = () => giveUp(undefined);
  if (options.draining?.aborted) startDraining();
  else options.draining?.addEventListener("abort", startDraining, { once: true });
  if (options.stop?.aborted) stopNow();
  else options.stop?.addEventListener("abort", stopNow, { once: true });

  const finish = async () => {
    while (running.size > 0) await Promise.all(running);
    stopWatching();
    health.close();
    await transport.close();
  };

  const writable = new WritableStream<Event[]>({
    async write(batch) {
      ledger.received(batch.length);
      if (halt.signal.aborted) return ledger.failed(batch);
      const { parcels, failed, failures } = transport.pack(batch);
      ledger.failed(failed);
      reportFormatFailures(failures);
      for (const parcel of parcels) await dispatch(parcel);
    },
    close: finish,
    abort() {
      giveUp(undefined);
      return finish();
    },
  }, new CountQueuingStrategy({ highWaterMark: 1 }));
  return { name, writable, ledger };
}

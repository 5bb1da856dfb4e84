/**
 * How long a network destination waits before sending again: exponential backoff with
 * jitter, and the peer's `Retry-After`. Pure.
 *
 * @module
 */

/** The first wait after a failure, in milliseconds. */
export const FIRST_DELAY_MS = 100;
/** The longest wait between two attempts, `Retry-After` included. */
export const MAX_DELAY_MS = 30_000;
/** Attempts in all (the first one included) before a drop-mode stream's destination gives up on events. */
export const DROP_MODE_ATTEMPTS = 4;

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

/** Resolves after `ms`, or at once when `signal` aborts (no timer is left behind). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const wake = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    signal?.addEventListener("abort", wake, { once: true });
  });
}

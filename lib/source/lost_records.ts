/**
 * Tells, while sluice runs, that the kernel is losing records (the ring buffer was full when a
 * program tried to submit): one line when losses start, then at most one every
 * {@link LOST_REPORT_EVERY_MS} while they go on (as the delivery warnings), each with the counts. The exit summary still has
 * the total.
 *
 * @module
 */

/** The least time between two lines about one streak of losses. */
export const LOST_REPORT_EVERY_MS = 5_000;

/** Follows the kernel's lost-records total; {@link LostRecords.observe} says when to print what. */
export class LostRecords {
  #reported = 0;
  #lastLine = -Infinity;
  readonly #every: number;

  /** `everyMs`: the least time between two lines. */
  constructor(everyMs: number = LOST_REPORT_EVERY_MS) {
    this.#every = everyMs;
  }

  /** The line to print now that the total is `total` at time `now` (ms), or `undefined`. */
  observe(total: number, now: number): string | undefined {
    const fresh = total - this.#reported;
    if (fresh <= 0 || now - this.#lastLine < this.#every) return undefined;
    const first = this.#reported === 0;
    this.#reported = total;
    this.#lastLine = now;
    return first
      ? `kernel: records are being lost: ${total} so far (the ring buffer was full: sluice is not keeping up with the kernel)`
      : `kernel: still losing records: ${fresh} more, ${total} in all`;
  }
}

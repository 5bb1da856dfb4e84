/**
 * One turn of the event loop, without a timer: `setTimeout(fn, 0)` awaited in a loop waits about
 * 2 ms here (the timer clamp), which under load left the ring buffer's reader idle between drains;
 * a message through a MessageChannel lets timers, signals and I/O run in about 10 us.
 *
 * @module
 */

/** Yields one event-loop turn each call; {@link EventLoopTurn.close} before exit (an open port keeps the loop alive). */
export class EventLoopTurn {
  readonly #channel = new MessageChannel();
  #resolve: () => void = () => {};

  constructor() {
    this.#channel.port1.onmessage = () => this.#resolve();
  }

  /** Resolves after timers, signals and I/O that are ready have had their turn. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.#resolve = resolve;
      this.#channel.port2.postMessage(null);
    });
  }

  /** Frees the channel. Idempotent. */
  close(): void {
    this.#channel.port1.close();
    this.#channel.port2.close();
  }
}

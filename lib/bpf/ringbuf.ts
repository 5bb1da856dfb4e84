/**
 * Reads a BPF ring buffer: waits for data without blocking the event loop (the ring buffer's epoll
 * fd, waited on by a `nonblocking` FFI call) and drains it with `ring_buffer__consume` on the main
 * thread, copying every record into one buffer allocated once.
 *
 * @module
 */

import type { Libbpf, Libc } from "./libbpf.ts";
import { BOUNDS } from "./layout.ts";

/** Bytes kept free so that any record still fits when the drain stops. */
const RECORD_MAX = BOUNDS.RECORD_BYTES;

/** Options for {@link RingBufferReader}. */
export interface RingBufferOptions {
  /** Size of the drain buffer in bytes; a drain stops when it is nearly full. */
  bufferBytes?: number;
  /** Records per drain at most. */
  maxRecords?: number;
}

/** A ring buffer reader; after {@link RingBufferReader.drain}, records are `bytes[starts[i], +lengths[i])`. */
export class RingBufferReader {
  /** The drained records, back to back (each starts on an 8-byte boundary). */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** A view on {@link RingBufferReader.bytes}. */
  readonly view: DataView;
  /** Start of each record drained by the last drain. */
  readonly starts: Uint32Array;
  /** Length of each record drained by the last drain. */
  readonly lengths: Uint32Array;
  readonly #libbpf: Libbpf;
  readonly #libc: Libc;
  readonly #ring: Deno.PointerObject;
  readonly #callback: Deno.UnsafeCallback<{ parameters: ["pointer", "pointer", "usize"]; result: "i32" }>;
  readonly #epollFd: number;
  readonly #epollEvents = new Uint8Array(12);
  #count = 0;
  #position = 0;
  #closed = false;

  constructor(libbpf: Libbpf, libc: Libc, mapFd: number, options: RingBufferOptions = {}) {
    const size = options.bufferBytes ?? 8 * 1024 * 1024;
    const maxRecords = options.maxRecords ?? 4096;
    this.#libbpf = libbpf;
    this.#libc = libc;
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
    this.starts = new Uint32Array(maxRecords);
    this.lengths = new Uint32Array(maxRecords);
    const limit = size - RECORD_MAX;
    // The record must be copied before the callback returns: libbpf hands the slot back after.
    this.#callback = new Deno.UnsafeCallback(
      { parameters: ["pointer", "pointer", "usize"], result: "i32" } as const,
      (_ctx, data, sizeArg) => {
        const length = Number(sizeArg);
        const at = this.#position;
        if (data !== null && length <= RECORD_MAX) {
          Deno.UnsafePointerView.copyInto(data, this.bytes.subarray(at, at + length));
          this.starts[this.#count] = at;
          this.lengths[this.#count] = length;
          this.#count++;
          this.#position = (at + length + 7) & ~7;
        }
        // A negative result makes libbpf stop this drain; the record just copied is kept.
        return this.#position > limit || this.#count >= maxRecords ? -1 : 0;
      },
    );
    const ring = libbpf.ring_buffer__new(mapFd, this.#callback.pointer, null, null);
    if (ring === null) {
      this.#callback.close();
      throw new Error(`ring_buffer__new failed for map fd ${mapFd}`);
    }
    this.#ring = ring;
    this.#epollFd = libbpf.ring_buffer__epoll_fd(ring);
  }

  /** Copies out what the ring buffer holds (up to the buffer's capacity); returns the record count. */
  drain(): number {
    this.#count = 0;
    this.#position = 0;
    if (this.#closed) return 0;
    this.#libbpf.ring_buffer__consume(this.#ring);
    return this.#count;
  }

  /** Resolves when the ring buffer signals data or `timeoutMs` passes; never blocks the event loop. */
  async wait(timeoutMs: number): Promise<void> {
    if (this.#closed) return;
    await this.#libc.epoll_wait(this.#epollFd, this.#epollEvents, 1, timeoutMs);
  }

  /** Frees the ring buffer and the callback. Call only when no wait is pending. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#libbpf.ring_buffer__free(this.#ring);
    this.#callback.close();
  }
}

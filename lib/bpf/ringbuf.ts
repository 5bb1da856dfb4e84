/**
 * Reads a BPF ring buffer in place: its consumer page, producer page and data area are mapped
 * into sluice, and a drain walks the records between the two positions as libbpf's
 * `ringbuf_process_ring` does, with no call into libbpf, no callback and no copy per record: the
 * decoder reads the records where the kernel wrote them, and their slots go back to the kernel
 * when the next drain starts. Waiting for data goes through an epoll fd on the map, waited
 * on by a `nonblocking` FFI call so the event loop keeps running.
 *
 * x86_64 only (sluice's syscall tables are x86_64): its loads are not reordered with loads, nor
 * stores with stores, so plain reads and writes are the acquire and release libbpf uses there.
 *
 * @module
 */

import type { Libc } from "./libbpf.ts";
import { BOUNDS } from "./layout.ts";
import { PAGE_BYTES } from "./ring_size.ts";
import { procReader } from "./procfs.ts";

/** The largest record sluice's programs write; a longer one is not sluice's and is skipped. */
const RECORD_MAX = BOUNDS.RECORD_BYTES;
/** Each record's header: its length word (with the flags below) and the page offset. */
const RECORD_HEADER = 8;
/** The kernel is still writing the record. */
const BUSY = 0x80000000;
/** The producer gave the record up: skip it. */
const DISCARD = 0x40000000;
const PROT_READ = 1;
const PROT_WRITE = 2;
const MAP_SHARED = 1;
const EPOLLIN = 1;
const EPOLL_CTL_ADD = 1;
const EPOLL_CLOEXEC = 0o2000000;

/** Options for {@link RingBufferReader}. */
export interface RingBufferOptions {
  /** Ring-buffer bytes per drain at most (so a batch stays bounded). @default {8 MiB} */
  bufferBytes?: number;
  /** Records per drain at most. @default {4096} */
  maxRecords?: number;
}

/** A mapping of the ring buffer's pages and what unmaps it. */
interface Mapping {
  bytes: Uint8Array<ArrayBuffer>;
  pointer: Deno.PointerObject;
  length: number;
}

/** The data area's size: the map's max_entries, as the kernel reports it for the fd. */
function ringSize(libc: Libc, mapFd: number): number {
  const info = procReader(libc).readText(`/proc/self/fdinfo/${mapFd}`) ?? "";
  const size = Number(/^max_entries:\s*(\d+)/m.exec(info)?.[1]);
  if (!(size >= PAGE_BYTES) || (size & (size - 1)) !== 0) {
    throw new Error(`map fd ${mapFd} is not a BPF ring buffer (max_entries ${size})`);
  }
  return size;
}

function mapPages(libc: Libc, mapFd: number, length: number, writable: boolean, offset: number): Mapping {
  const protection = writable ? PROT_READ | PROT_WRITE : PROT_READ;
  const pointer = libc.mmap(null, BigInt(length), protection, MAP_SHARED, mapFd, BigInt(offset));
  // MAP_FAILED is (void *)-1.
  if (pointer === null || Deno.UnsafePointer.value(pointer) === 0xffffffffffffffffn) {
    throw new Error(`mmap of ring buffer fd ${mapFd} failed: run sluice as root (or with CAP_BPF)`);
  }
  const bytes = new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(pointer, length));
  return { bytes, pointer, length };
}

/** A ring buffer reader; after {@link RingBufferReader.drain}, records are `bytes[starts[i], +lengths[i])`. */
export class RingBufferReader {
  /**
   * The ring buffer's data area, mapped twice in a row by the kernel so that no record wraps; the
   * records of the last drain are read here in place until {@link RingBufferReader.release}, the
   * next drain or close. Mapped read-only: a write to it kills the process.
   */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** A view on {@link RingBufferReader.bytes}. */
  readonly view: DataView;
  /** Start of each record drained by the last drain. */
  readonly starts: Uint32Array;
  /** Length of each record drained by the last drain. */
  readonly lengths: Uint32Array;
  readonly #libc: Libc;
  readonly #maxRecords: number;
  readonly #maxBytes: number;
  readonly #size: number;
  readonly #consumer: Mapping;
  readonly #producer: Mapping;
  /** The consumer position (word 0 of the consumer page), stored whole so the kernel never sees half of it. */
  readonly #consumerPos: BigUint64Array;
  /** The producer position (word 0 of the producer page). */
  readonly #producerPos: BigUint64Array;
  readonly #epollFd: number;
  readonly #epollEvents = new Uint8Array(12);
  /** Where the last drain stopped; handed back to the kernel on release. */
  #taken: number;
  #closed = false;

  /** Maps the ring buffer of map `mapFd`; throws when it cannot. */
  constructor(libc: Libc, mapFd: number, options: RingBufferOptions = {}) {
    this.#maxBytes = options.bufferBytes ?? 8 * 1024 * 1024;
    this.#maxRecords = options.maxRecords ?? 4096;
    this.#libc = libc;
    this.starts = new Uint32Array(this.#maxRecords);
    this.lengths = new Uint32Array(this.#maxRecords);
    this.#size = ringSize(libc, mapFd);
    this.#consumer = mapPages(libc, mapFd, PAGE_BYTES, true, 0);
    try {
      this.#producer = mapPages(libc, mapFd, PAGE_BYTES + 2 * this.#size, false, PAGE_BYTES);
    } catch (error) {
      libc.munmap(this.#consumer.pointer, BigInt(PAGE_BYTES));
      throw error;
    }
    this.#consumerPos = new BigUint64Array(this.#consumer.bytes.buffer, 0, 1);
    this.#producerPos = new BigUint64Array(this.#producer.bytes.buffer, 0, 1);
    this.#taken = Number(Atomics.load(this.#consumerPos, 0));
    this.bytes = this.#producer.bytes.subarray(PAGE_BYTES);
    this.view = new DataView(this.#producer.bytes.buffer, PAGE_BYTES);
    this.#epollFd = libc.epoll_create1(EPOLL_CLOEXEC);
    const event = new Uint8Array(12);
    new DataView(event.buffer).setUint32(0, EPOLLIN, true);
    if (this.#epollFd < 0 || libc.epoll_ctl(this.#epollFd, EPOLL_CTL_ADD, mapFd, event) !== 0) {
      if (this.#epollFd >= 0) libc.close(this.#epollFd);
      this.#unmap();
      throw new Error(`epoll on ring buffer fd ${mapFd} failed`);
    }
  }

  /**
   * Hands the records of the previous drain back to the kernel and takes what the ring buffer
   * holds now (up to the record and byte limits); returns the record count.
   */
  drain(): number {
    if (this.#closed) return 0;
    this.release();
    let consumer = this.#taken;
    const end = consumer + this.#maxBytes;
    const mask = this.#size - 1;
    const view = this.view;
    let count = 0;
    let stop = false;
    while (!stop) {
      // Re-read after each pass: the kernel keeps writing while sluice reads.
      const producer = Number(Atomics.load(this.#producerPos, 0));
      if (consumer >= producer) break;
      while (consumer < producer) {
        const at = consumer & mask;
        const header = view.getUint32(at, true);
        if ((header & BUSY) !== 0) {
          stop = true;
          break;
        }
        const length = header & ~(BUSY | DISCARD);
        consumer += (length + RECORD_HEADER + 7) & ~7;
        if ((header & DISCARD) === 0 && length <= RECORD_MAX) {
          this.starts[count] = at + RECORD_HEADER;
          this.lengths[count] = length;
          count++;
          if (consumer >= end || count >= this.#maxRecords) {
            stop = true;
            break;
          }
        }
      }
    }
    this.#taken = consumer;
    return count;
  }

  /** Hands the records of the last drain back to the kernel: read nothing of them after this. */
  release(): void {
    if (!this.#closed) Atomics.store(this.#consumerPos, 0, BigInt(this.#taken));
  }

  /** Resolves when the ring buffer signals data or `timeoutMs` passes; never blocks the event loop. */
  async wait(timeoutMs: number): Promise<void> {
    if (this.#closed) return;
    await this.#libc.epoll_wait(this.#epollFd, this.#epollEvents, 1, timeoutMs);
  }

  /** Unmaps the ring buffer and closes the epoll fd. Call only when no wait is pending. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#libc.close(this.#epollFd);
    this.#unmap();
  }

  #unmap(): void {
    this.#libc.munmap(this.#producer.pointer, BigInt(this.#producer.length));
    this.#libc.munmap(this.#consumer.pointer, BigInt(this.#consumer.length));
  }
}

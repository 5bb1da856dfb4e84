/**
 * The size of the kernel's event ring buffer when the user sets it (`--buffers kernel.events=PAGES`).
 * Tracee's buffer is a perf buffer of PAGES pages per CPU; sluice's is one ring buffer that every
 * CPU writes into, given the same memory: PAGES pages per CPU, rounded up to a power of two.
 *
 * @module
 */

/** The largest ring buffer sluice asks the kernel for, in bytes. */
export const MAX_RING_BYTES = 1 << 30;
/** A page on x86_64, the unit Tracee's flag counts in. */
export const PAGE_BYTES = 4096;

/**
 * The ring buffer's size in bytes for `pages` pages per CPU on `cpus` CPUs: the power of two at
 * or above their total (the kernel's rule for a ring buffer). Throws a RangeError naming the flag
 * past {@link MAX_RING_BYTES}.
 */
export function ringBytes(pages: number, cpus: number): number {
  const wanted = pages * PAGE_BYTES * cpus;
  let bytes = PAGE_BYTES;
  while (bytes < wanted) bytes *= 2;
  if (bytes > MAX_RING_BYTES) {
    const mib = (n: number) => `${n / 2 ** 20} MiB`;
    throw new RangeError(
      `--buffers kernel.events=${pages}: ${pages} pages on each of ${cpus} CPUs is ${
        mib(bytes)
      }, more than ` +
        `the ${mib(MAX_RING_BYTES)} sluice's ring buffer takes: give fewer pages`,
    );
  }
  return bytes;
}

import assert from "node:assert/strict";
import { MAX_RING_BYTES, ringBytes } from "../lib/bpf/ring_size.ts";

Deno.test("ring size: PAGES pages per CPU, rounded up to a power of two", () => {
  // Tracee's default, 1,024 pages per CPU, on 2 CPUs: 8 MiB.
  assert.equal(ringBytes(1024, 2), 8 << 20);
  assert.equal(ringBytes(1024, 3), 16 << 20);
  assert.equal(ringBytes(1, 1), 4096);
  assert.equal(ringBytes(262144, 1), MAX_RING_BYTES);
});

Deno.test("ring size: past 1 GiB in all, an error that names the flag and what to do", () => {
  assert.throws(
    () => ringBytes(262144, 2),
    /^RangeError: --buffers kernel.events=262144: 262144 pages on each of 2 CPUs is 2048 MiB, more than the 1024 MiB sluice's ring buffer takes: give fewer pages$/,
  );
});

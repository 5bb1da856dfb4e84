/**
 * Kernel records for the pipeline benchmark, laid out as the decoder meets them (records on 8-byte
 * boundaries, as in the ring buffer, lib/bpf/ringbuf.ts): openat records from 32
 * threads of 8 programs, each thread in bursts of 64, as a busy host's drain looks.
 *
 * @module
 */

import { EXE_FIELD } from "../lib/bpf/layout.ts";
import { RecordWriter } from "../tests/_record.ts";

const COMMS = ["bash", "sshd", "systemd", "curl", "python3", "nginx", "cron", "containerd"];
const PATHS = ["/etc/passwd", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/proc/self/status", "/tmp/build/out.o"];
const THREADS = 32;
const BURST = 64;

/** One drain's worth of records: `bytes[starts[i], starts[i] + lengths[i])` is record i. */
export interface Drain {
  bytes: Uint8Array;
  view: DataView;
  starts: Uint32Array;
  lengths: Uint32Array;
}

/** `count` openat records, as one drain. */
export function openatDrain(count: number): Drain {
  const records: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const thread = Math.floor(i / BURST) % THREADS;
    const comm = COMMS[thread % COMMS.length];
    const pid = 2000 + thread;
    const record = new RecordWriter(
      {
        ts_sec: 5000 + Math.floor(i / 100_000),
        ts_nsec: (i % 100_000) * 10_000 + 123,
        event_id: 257,
        syscall: 257,
        retval: BigInt(3 + (i % 5)),
        start_sec: 4000,
        start_nsec: thread,
        exe_id: thread + 1,
        host_tid: pid,
        host_pid: pid,
        tid: pid,
        pid,
        host_ppid: 1,
        ppid: 1,
        uid: thread % 7 === 0 ? 0 : 1000,
        mnt_ns: 4026531841,
        pid_ns: 4026531836,
        thread_unique_id: 100_000 + pid,
        process_unique_id: 100_000 + pid,
        parent_unique_id: 1,
      },
      comm,
      { capacity: 1024 },
    );
    // The kernel sends a task's executable path with its first record only.
    if (i < THREADS * BURST && i % BURST === 0) record.str(EXE_FIELD, `/usr/bin/${comm}`);
    record.i32(0, -100).str(1, PATHS[i % PATHS.length]).i32(2, 524288).u32(3, 0);
    records.push(record.bytes.slice(0, record.length));
  }
  const starts = new Uint32Array(count);
  const lengths = new Uint32Array(count);
  let size = 0;
  records.forEach((record, i) => {
    starts[i] = size;
    lengths[i] = record.length;
    size = (size + record.length + 7) & ~7;
  });
  const bytes = new Uint8Array(size);
  records.forEach((record, i) => bytes.set(record, starts[i]));
  return { bytes, view: new DataView(bytes.buffer), starts, lengths };
}

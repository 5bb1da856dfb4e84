import assert from "node:assert/strict";
import { ipv6, sockaddr } from "../lib/events/address.ts";
import { HEADER_BYTES, type ProcessLookup, RecordDecoder, Wire } from "../lib/events/decode.ts";
import { findData, KERNEL_CONTEXT } from "../lib/events/event.ts";
import { containerFromCgroup } from "../lib/source/proc_lookup.ts";

/** Writes records in the layout of bpf/record.h. */
class RecordWriter {
  readonly bytes = new Uint8Array(4096);
  readonly view = new DataView(this.bytes.buffer);
  length = HEADER_BYTES;

  constructor(header: Record<string, number>, comm = "cat") {
    const v = this.view;
    const h: Record<string, number> = {
      ts_sec: 100,
      ts_nsec: 5,
      start_sec: 90,
      start_nsec: 999_999_999,
      syscall: 0xffffffff,
      ...header,
    };
    v.setUint32(0, h.ts_sec, true);
    v.setUint32(4, h.ts_nsec, true);
    v.setUint32(8, h.start_sec, true);
    v.setUint32(12, h.start_nsec, true);
    v.setBigUint64(16, BigInt(h.cgroup_id ?? 1234), true);
    const u32 = [
      "event_id",
      "host_tid",
      "host_pid",
      "tid",
      "pid",
      "host_ppid",
      "ppid",
      "uid",
      "mnt_ns",
      "pid_ns",
      "thread_unique_id",
      "process_unique_id",
      "parent_unique_id",
      "syscall",
    ];
    u32.forEach((name, i) => v.setUint32(24 + 4 * i, h[name] ?? 0, true));
    v.setBigInt64(80, BigInt(h.retval ?? 0), true);
    this.bytes.set(new TextEncoder().encode(comm), 88);
  }

  u32(field: number, wire: number, value: number): this {
    this.bytes[this.length] = field;
    this.bytes[this.length + 1] = wire;
    this.view.setUint32(this.length + 2, value >>> 0, true);
    this.length += 6;
    return this;
  }

  u64(field: number, wire: number, value: bigint): this {
    this.bytes[this.length] = field;
    this.bytes[this.length + 1] = wire;
    this.view.setBigUint64(this.length + 2, BigInt.asUintN(64, value), true);
    this.length += 10;
    return this;
  }

  blob(field: number, wire: number, payload: Uint8Array): this {
    this.bytes[this.length] = field;
    this.bytes[this.length + 1] = wire;
    this.view.setUint16(this.length + 2, payload.length, true);
    this.bytes.set(payload, this.length + 4);
    this.length += 4 + payload.length;
    return this;
  }

  bool(field: number, value: boolean): this {
    this.bytes.set([field, Wire.BOOL, value ? 1 : 0], this.length);
    this.length += 3;
    return this;
  }

  str(field: number, text: string): this {
    return this.blob(field, Wire.STR, new TextEncoder().encode(text));
  }
}

function lookup(overrides: Partial<ProcessLookup> = {}): ProcessLookup & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    executable: () => undefined,
    container: () => undefined,
    exec: (pid, path) => calls.push(`exec ${pid} ${path}`),
    fork: (parent, child) => calls.push(`fork ${parent} ${child}`),
    exit: (pid) => calls.push(`exit ${pid}`),
    ...overrides,
  };
}

function decode(record: RecordWriter, processes = lookup(), offset: [number, number] = [1_700_000_000, 0]) {
  return new RecordDecoder(offset, processes).decode(record.view, record.bytes, 0, record.length);
}

Deno.test("decode: an openat record becomes Tracee's event with context, data and returnValue", () => {
  const record = new RecordWriter({
    event_id: 257,
    syscall: 257,
    host_tid: 4001,
    host_pid: 4000,
    tid: 11,
    pid: 10,
    host_ppid: 3999,
    ppid: 9,
    uid: 1000,
    mnt_ns: 4026531841,
    pid_ns: 4026531836,
    thread_unique_id: 7,
    process_unique_id: 8,
    parent_unique_id: 9,
    retval: -2,
  }, "workload").u32(0, Wire.I32, -100).str(1, "/tmp/x").u32(2, Wire.I32, 0o2000000).u32(3, Wire.U32, 0o644);
  const event = decode(
    record,
    lookup({ executable: () => "/usr/bin/workload", container: () => "c".repeat(64) }),
  )!;
  assert.deepEqual(JSON.parse(JSON.stringify(event)), {
    timestamp: "2023-11-14T22:15:00.000000005Z",
    id: 258,
    name: "openat",
    workload: {
      process: {
        executable: { path: "/usr/bin/workload" },
        unique_id: 8,
        host_pid: 4000,
        pid: 10,
        real_user: { id: 1000 },
        thread: {
          start_time: "2023-11-14T22:14:50.999999999Z",
          name: "workload",
          unique_id: 7,
          host_tid: 4001,
          tid: 11,
          syscall: "openat",
        },
        ancestors: [{ unique_id: 9, host_pid: 3999, pid: 9 }],
      },
      container: { id: "c".repeat(64) },
    },
    data: [
      { name: "dirfd", int32: -100 },
      { name: "pathname", str: "/tmp/x" },
      { name: "flags", int32: 0o2000000 },
      { name: "mode", u_int32: 0o644 },
      { name: "returnValue", int64: "-2" },
    ],
  });
  assert.deepEqual(event[KERNEL_CONTEXT], { cgroup_id: 1234, mount_ns: 4026531841, pid_ns: 4026531836 });
});

Deno.test("decode: nanoseconds carry into the next second; fields without a value are left out", () => {
  const record = new RecordWriter({ event_id: 716, ts_sec: 1, ts_nsec: 999_999_999 })
    .u64(0, Wire.I64, 7n)
    .bool(1, true);
  const event = decode(record, lookup(), [10, 1])!;
  assert.equal(event.timestamp, "1970-01-01T00:00:12.000000000Z");
  assert.equal(event.workload?.process?.executable, undefined);
  assert.equal(event.workload?.container, undefined);
  assert.equal(event.workload?.process?.thread?.syscall, undefined);
  assert.deepEqual(event.data, [{ name: "exit_code", int32: 7 }, {
    name: "process_group_exit",
    bool: true,
  }]);
});

Deno.test("decode: exec, fork and exit keep the process lookup in step", () => {
  const processes = lookup();
  const argv = new TextEncoder().encode("/bin/sh\0-c\0exit 7\0");
  const exec = decode(
    new RecordWriter({ event_id: 715, host_pid: 50, host_tid: 50 }).str(0, "/bin/sh").str(1, "/usr/bin/dash")
      .blob(7, Wire.STR_ARRAY, argv),
    processes,
  )!;
  assert.deepEqual(findData(exec, "argv"), { value: ["/bin/sh", "-c", "exit 7"] });
  const fork = new RecordWriter({ event_id: 714, host_pid: 50 });
  for (let i = 0; i < 8; i++) fork.u32(i, Wire.I32, i < 4 ? 50 : 51);
  fork.u64(8, Wire.BOOTTIME, 5_000_000_000n);
  const forked = decode(fork, processes, [100, 0])!;
  assert.equal(findData(forked, "start_time"), "105000000000");
  decode(
    new RecordWriter({ event_id: 716, host_pid: 51 }).u64(0, Wire.I64, 0n).bool(1, true),
    processes,
  );
  decode(
    new RecordWriter({ event_id: 716, host_pid: 52 }).u64(0, Wire.I64, 0n).bool(1, false),
    processes,
  );
  assert.deepEqual(processes.calls, ["exec 50 /usr/bin/dash", "fork 50 51", "exit 51"]);
});

Deno.test("decode: net_tcp_connect addresses, IPv4 and IPv6", () => {
  const v4 = new Uint8Array(18);
  new DataView(v4.buffer).setUint16(0, 2, true);
  v4.set([127, 0, 0, 1], 2);
  const record = new RecordWriter({ event_id: 2016 });
  record.bytes.set([0, Wire.IP, ...v4], record.length);
  record.length += 20;
  record.u32(1, Wire.I32, 8080);
  const event = decode(record)!;
  assert.deepEqual(event.data, [{ name: "dst", str: "127.0.0.1" }, { name: "dst_port", int32: 8080 }]);
  const six = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
  assert.equal(ipv6(six("00000000000000000000000000000001"), 0), "::1");
  assert.equal(ipv6(six("20010db8000000000001000000000001"), 0), "2001:db8::1:0:0:1");
  assert.equal(ipv6(six("00000000000000000000ffff7f000001"), 0), "::ffff:127.0.0.1");
  assert.equal(ipv6(six("fe800000000000000202b3fffe1e8329"), 0), "fe80::202:b3ff:fe1e:8329");
});

Deno.test("decode: socket addresses with Tracee's field names", () => {
  const sin = new Uint8Array(16);
  const v = new DataView(sin.buffer);
  v.setUint16(0, 2, true);
  v.setUint16(2, 443, false);
  sin.set([10, 1, 2, 3], 4);
  assert.deepEqual(sockaddr(v, sin, 0, 16), { sa_family: "AF_INET", sin_addr: "10.1.2.3", sin_port: 443 });
  const sin6 = new Uint8Array(28);
  const v6 = new DataView(sin6.buffer);
  v6.setUint16(0, 10, true);
  v6.setUint16(2, 8080, false);
  sin6[23] = 1;
  assert.deepEqual(sockaddr(v6, sin6, 0, 28), { sa_family: "AF_INET6", sin6_addr: "::1", sin6_port: 8080 });
  const sun = new Uint8Array(2 + 20);
  new DataView(sun.buffer).setUint16(0, 1, true);
  sun.set(new TextEncoder().encode("/run/x.sock"), 2);
  assert.deepEqual(sockaddr(new DataView(sun.buffer), sun, 0, 13), {
    sa_family: "AF_UNIX",
    sun_path: "/run/x.sock",
  });
  const abstract = new Uint8Array([1, 0, 0, ...new TextEncoder().encode("bus")]);
  assert.deepEqual(sockaddr(new DataView(abstract.buffer), abstract, 0, 6), {
    sa_family: "AF_UNIX",
    sun_path: "@bus",
  });
});

Deno.test("decode: a record of an unknown event id is skipped", () => {
  assert.equal(decode(new RecordWriter({ event_id: 9999 })), undefined);
});

Deno.test("proc lookup: container ids named by cgroup paths", () => {
  const id = "0123456789abcdef".repeat(4);
  assert.equal(containerFromCgroup(`0::/system.slice/docker-${id}.scope\n`), id);
  assert.equal(containerFromCgroup(`12:memory:/docker/${id}\n0::/\n`), id);
  assert.equal(containerFromCgroup(`0::/kubepods/burstable/pod1/cri-containerd-${id}.scope\n`), id);
  assert.equal(containerFromCgroup("0::/user.slice/user-1000.slice/session-2.scope\n"), undefined);
});

Deno.test("decode: a thread's events share their context until a header word of it changes", () => {
  const decoder = new RecordDecoder([0, 0], lookup());
  const record = (uid: number, ts: number) =>
    new RecordWriter({ event_id: 105, syscall: 105, host_tid: 9, uid, ts_sec: ts }).u32(0, Wire.U32, 0);
  const decodeOne = (r: RecordWriter) => decoder.decode(r.view, r.bytes, 0, r.length)!;
  const first = decodeOne(record(1000, 1));
  const second = decodeOne(record(1000, 2));
  const third = decodeOne(record(0, 3));
  assert.equal(second.workload, first.workload);
  assert.notEqual(second.timestamp, first.timestamp);
  assert.notEqual(third.workload, first.workload);
  assert.equal(third.workload?.process?.real_user?.id, 0);
});

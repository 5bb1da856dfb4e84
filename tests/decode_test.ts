import assert from "node:assert/strict";
import { ipv6, sockaddr } from "../lib/events/address.ts";
import { EXE_FIELD, WIRE } from "../lib/bpf/layout.ts";
import { eventByRecordId, RecordDecoder } from "../lib/events/decode.ts";
import { findData, KERNEL_CONTEXT } from "../lib/events/event.ts";
import { RecordWriter } from "./_record.ts";

function decode(record: RecordWriter, offset: [number, number] = [1_700_000_000, 0]) {
  return new RecordDecoder(offset).decode(record.view, record.bytes, 0, record.length);
}

Deno.test("decode: an openat record becomes Tracee's event with context, data and returnValue", () => {
  const record = new RecordWriter({
    event_id: 257,
    syscall: 257,
    exe_id: 77,
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
    retval: -2n,
  }, "workload").str(EXE_FIELD, "/usr/bin/workload").i32(0, -100).str(1, "/tmp/x").i32(2, 0o2000000)
    .u32(3, 0o644);
  const event = decode(record)!;
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

Deno.test("decode: times in Go's RFC 3339 form, trailing zeros of the fraction trimmed", () => {
  const at = (ts_sec: number, ts_nsec: number, offset: [number, number]) =>
    decode(new RecordWriter({ event_id: 1016, ts_sec, ts_nsec }), offset)!.timestamp;
  assert.equal(at(1, 999_999_999, [10, 1]), "1970-01-01T00:00:12Z");
  assert.equal(at(1, 500_000_000, [10, 0]), "1970-01-01T00:00:11.5Z");
  assert.equal(at(1, 120, [10, 0]), "1970-01-01T00:00:11.00000012Z");
  assert.equal(at(1, 1, [10, 0]), "1970-01-01T00:00:11.000000001Z");
});

Deno.test("decode: every declared field is written, zero-filled where the record has none", () => {
  const exit = decode(new RecordWriter({ event_id: 1016 }).i32(0, 7))!;
  assert.deepEqual(exit.data, [
    { name: "exit_code", int32: 7 },
    { name: "signal_code", int32: 0 },
    { name: "process_group_exit", bool: false },
  ]);
  assert.equal(exit.workload?.process?.executable, undefined);
  assert.equal(exit.workload?.process?.thread?.syscall, undefined);
  const execve = decode(new RecordWriter({ event_id: 59, syscall: 59, retval: -13n }))!;
  assert.deepEqual(execve.data, [
    { name: "pathname", str: "" },
    { name: "argv", str_array: { value: [] } },
    { name: "envp", str_array: { value: [] } },
    { name: "returnValue", int64: "-13" },
  ]);
  const pipe = decode(new RecordWriter({ event_id: 22, syscall: 22 }))!;
  assert.deepEqual(pipe.data?.[0], { name: "pipefd", int32_array: { value: [0, 0] } });
  const connect = decode(new RecordWriter({ event_id: 42, syscall: 42 }))!;
  assert.deepEqual(connect.data?.[1], { name: "addr", sockaddr: {} });
  assert.equal(execve.truncated, undefined);
});

Deno.test("decode: a cut value is named in truncated; a cut string array ends with Tracee's ...", () => {
  const record = new RecordWriter({ event_id: 59, syscall: 59, exe_id: 5 })
    .str(EXE_FIELD, "/very/deep/tail", true)
    .str(0, "/tmp/a-long-path", true)
    .strings(1, ["a", "b", "partial"], true);
  const event = decode(record)!;
  assert.deepEqual(event.truncated, ["executable.path", "pathname", "argv"]);
  assert.deepEqual(findData(event, "argv"), { value: ["a", "b", "partial", "..."] });
  assert.equal(event.workload?.process?.executable?.path, "/very/deep/tail");
  assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(event))), [
    "timestamp",
    "id",
    "name",
    "workload",
    "data",
    "truncated",
  ]);
});

Deno.test("decode: a field running past the record's end stops the walk; nothing outside is read", () => {
  const record = new RecordWriter({ event_id: 257, syscall: 257 }).i32(0, 3);
  record.field(1, WIRE.STR, new TextEncoder().encode("/etc/shadow"), { length: 60000 });
  record.bytes.fill(0x41, record.length, record.length + 1000);
  const event = decode(record)!;
  assert.equal(findData(event, "dirfd"), 3);
  assert.equal(findData(event, "pathname"), "");
  const short = new RecordWriter({ event_id: 257 });
  assert.equal(new RecordDecoder([0, 0]).decode(short.view, short.bytes, 0, short.length - 1), undefined);
});

Deno.test("decode: values of every wire type under their fields' type keys", () => {
  const ts = new Uint8Array(16);
  new DataView(ts.buffer).setBigInt64(0, 3n, true);
  new DataView(ts.buffer).setBigInt64(8, 250_000_000n, true);
  const sleep = decode(new RecordWriter({ event_id: 35, syscall: 35 }).field(0, WIRE.TIMESPEC, ts))!;
  assert.deepEqual(findData(sleep, "req"), { value: 3.25 });
  const fds = new Uint8Array(8);
  new DataView(fds.buffer).setInt32(0, 3, true);
  new DataView(fds.buffer).setInt32(4, 4, true);
  const pipe = decode(new RecordWriter({ event_id: 22, syscall: 22 }).field(0, WIRE.INT_PAIR, fds))!;
  assert.deepEqual(findData(pipe, "pipefd"), { value: [3, 4] });
  const ptrace = decode(
    new RecordWriter({ event_id: 101, syscall: 101 }).u64(0, WIRE.I64, 16n).i32(1, 42)
      .u64(2, WIRE.U64, 0xffff_ffff_ffff_fff0n).u64(3, WIRE.U64, 1n),
  )!;
  assert.deepEqual(ptrace.data?.slice(0, 4), [
    { name: "request", int64: "16" },
    { name: "pid", int32: 42 },
    { name: "addr", pointer: "18446744073709551600" },
    { name: "data", pointer: "1" },
  ]);
  const fork = new RecordWriter({ event_id: 1014 }).u64(9, WIRE.BOOTTIME, 5_000_000_000n);
  assert.equal(findData(decode(fork, [100, 0])!, "start_time"), "105000000000");
});

Deno.test("decode: net_tcp_connect addresses, IPv4 and IPv6", () => {
  const v4 = new Uint8Array(18);
  new DataView(v4.buffer).setUint16(0, 2, true);
  v4.set([127, 0, 0, 1], 2);
  const event = decode(new RecordWriter({ event_id: 2015 }).field(0, WIRE.IP, v4).i32(1, 8080))!;
  assert.deepEqual(event.data, [
    { name: "dst", str: "127.0.0.1" },
    { name: "dst_port", int32: 8080 },
    { name: "dst_dns", str_array: { value: [] } },
  ]);
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

Deno.test("decode: records of unknown event ids are skipped; ids are syscall numbers, then v1beta1 ids", () => {
  assert.equal(decode(new RecordWriter({ event_id: 9999 })), undefined);
  assert.equal(decode(new RecordWriter({ event_id: 999 })), undefined);
  assert.equal(eventByRecordId(257)?.name, "openat");
  assert.equal(eventByRecordId(1015)?.name, "sched_process_exec");
});

Deno.test("decode: a thread's events share their context until a header word of it changes", () => {
  const decoder = new RecordDecoder([0, 0]);
  const record = (uid: number, ts: number, exe = 1) =>
    new RecordWriter({ event_id: 105, syscall: 105, host_tid: 9, uid, ts_sec: ts, exe_id: exe })
      .str(EXE_FIELD, `/bin/${exe}`).i32(0, 0);
  const decodeOne = (r: RecordWriter) => decoder.decode(r.view, r.bytes, 0, r.length)!;
  const first = decodeOne(record(1000, 1));
  const second = decodeOne(record(1000, 2));
  const third = decodeOne(record(0, 3));
  const fourth = decodeOne(record(0, 4, 2));
  assert.equal(second.workload, first.workload);
  assert.notEqual(second.timestamp, first.timestamp);
  assert.notEqual(third.workload, first.workload);
  assert.equal(third.workload?.process?.real_user?.id, 0);
  assert.equal(fourth.workload?.process?.executable?.path, "/bin/2");
});

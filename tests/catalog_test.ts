// The event catalog: Tracee's ids, syscall numbers, fields and type keys, sets, the default set and
// what sluice cannot trace (and why).
import assert from "node:assert/strict";
import {
  dataTypeOf,
  type Decode,
  DEFAULT_EVENTS,
  detectorByName,
  DETECTORS,
  eventById,
  eventByName,
  eventNames,
  EVENTS,
  eventsInSet,
  isTraceable,
  selectionProblem,
  setNames,
  TRACEE_COMMIT,
  tracepointsNeeded,
} from "../lib/events/catalog.ts";
import { parseField } from "../lib/events/field_types.ts";

const event = (name: string) => {
  const definition = eventByName(name);
  assert.ok(definition, name);
  return definition;
};
const typeOf = (name: string, field: string) => event(name).fields.find((f) => f.name === field)?.type;

Deno.test("catalog: v1beta1 ids of known events, and lookup by id", () => {
  const ids: Record<string, number> = {
    read: 1,
    execve: 60,
    openat: 258,
    rseq: 335,
    // Past rseq the enum is dense while x86_64 numbers jump to 424: not "number + 1".
    pidfd_send_signal: 336,
    move_mount: 341,
    sched_process_fork: 1014,
    sched_process_exec: 1015,
    sched_process_exit: 1016,
    security_file_open: 1032,
    net_tcp_connect: 2015,
    container_create: 2017,
  };
  for (const [name, id] of Object.entries(ids)) {
    assert.equal(event(name).id, id, name);
    assert.equal(eventById(id)?.name, name);
  }
  assert.equal(eventById(999_999), undefined);
  assert.equal(eventByName("no_such_event"), undefined);
  assert.equal(new Set(EVENTS.map((e) => e.id)).size, EVENTS.length, "ids are unique");
  assert.equal(new Set(EVENTS.map((e) => e.name)).size, EVENTS.length, "names are unique");
  assert.match(TRACEE_COMMIT, /^[0-9a-f]{40}$/);
});

Deno.test("catalog: x86_64 syscall numbers; every syscall event ends with returnValue", () => {
  assert.equal(event("read").syscall, 0);
  assert.equal(event("execve").syscall, 59);
  assert.equal(event("openat").syscall, 257);
  assert.equal(event("pidfd_send_signal").syscall, 424);
  assert.equal(event("sched_process_exec").syscall, undefined);
  assert.equal(event("waitpid").syscall, undefined, "32-bit only");
  const syscalls = EVENTS.filter((e) => e.syscall !== undefined);
  assert.ok(syscalls.length >= 360, `${syscalls.length} syscalls`);
  assert.equal(new Set(syscalls.map((e) => e.syscall)).size, syscalls.length, "numbers are unique");
  for (const e of syscalls) {
    assert.ok(e.sets.includes("syscalls"), e.name);
    assert.equal(e.fields.at(-1)?.name, "returnValue", e.name);
    assert.equal(e.support.kind, "syscall", e.name);
  }
});

Deno.test("catalog: fields in Tracee's order with Tracee's decode, Go type and JSON key", () => {
  assert.deepEqual(event("openat").fields, [
    { name: "dirfd", type: "int32", decode: "int", cType: "int32" },
    { name: "pathname", type: "str", decode: "str", cType: "string" },
    { name: "flags", type: "int32", decode: "int", cType: "int32" },
    { name: "mode", type: "u_int32", decode: "u16", cType: "uint16" },
    { name: "returnValue", type: "int64", decode: "long", cType: "int64" },
  ]);
  assert.equal(typeOf("setuid", "uid"), "int32");
  assert.equal(typeOf("ptrace", "addr"), "pointer");
  assert.equal(typeOf("sched_process_exit", "exit_code"), "int32");
  assert.equal(typeOf("sched_process_exit", "signal_code"), "int32");
  assert.equal(typeOf("sched_process_fork", "start_time"), "u_int64");
  assert.equal(typeOf("sched_process_exec", "argv"), "str_array");
  assert.equal(typeOf("connect", "addr"), "sockaddr");
  assert.equal(typeOf("net_packet_dns_request", "dns_questions"), "dns_questions");
  assert.equal(event("sched_process_fork").fields.length, 20);
  assert.equal(event("sched_process_exec").fields.length, 18);
});

Deno.test("catalog: the JSON type key of each Decode, as Tracee's marshaller writes it", () => {
  const keys: Record<Exclude<Decode, "none">, string> = {
    int: "int32",
    uint: "u_int32",
    long: "int64",
    ulong: "u_int64",
    u16: "u_int32",
    u8: "u_int32",
    bool: "bool",
    pointer: "pointer",
    str: "str",
    str_arr: "str_array",
    args_arr: "str_array",
    bytes: "bytes",
    sockaddr: "sockaddr",
    timespec: "timespec",
    int_arr_2: "int32_array",
    uint64_arr: "u_int64_array",
    cred: "credentials",
  };
  for (const [decode, key] of Object.entries(keys)) {
    assert.equal(dataTypeOf(decode as Exclude<Decode, "none">), key, decode);
  }
  // A kernel-decoded field's key follows its decode, except where Tracee converts the value in user
  // space (hooked_syscall's addresses become symbols; time.Time keeps u_int64).
  for (const e of EVENTS) {
    for (const f of e.fields) {
      if (f.decode === "none" || f.cType === "[]trace.HookedSymbolData") continue;
      assert.equal(f.type, dataTypeOf(f.decode), `${e.name}.${f.name}`);
    }
  }
  // Fields Tracee fills in user space: the key of the Go value its conversion is given.
  assert.equal(typeOf("net_packet_http", "src"), "str", "net.IP is written as its text");
  assert.equal(typeOf("net_packet_http", "src_port"), "u_int32");
  assert.equal(typeOf("sched_process_fork", "start_time"), "u_int64", "time.Time as nanoseconds");
  assert.equal(typeOf("net_flow_tcp_begin", "src_dns"), "str_array");
  assert.equal(typeOf("hooked_seq_ops", "hooked_seq_ops"), "hooked_seq_ops");
  assert.throws(() => parseField("x:nope"), /unknown decode nope/);
  assert.throws(() => parseField("x:none:chan int"), /no JSON type key .* chan int/);
});

Deno.test("catalog: Tracee's sets", () => {
  for (const set of ["default", "fs", "net", "proc", "syscalls", "containers", "signals"]) {
    assert.ok(setNames().includes(set), set);
  }
  const fs = eventsInSet("fs").map((e) => e.name);
  assert.ok(fs.includes("openat") && fs.includes("security_file_open") && !fs.includes("execve"));
  assert.ok(eventsInSet("proc").some((e) => e.name === "execve"));
  assert.equal(event("sched_process_fork").sets.length, 0, "fork is in no set");
  assert.deepEqual(eventsInSet("no_such_set"), []);
  for (const e of EVENTS) for (const set of e.sets) assert.ok(eventsInSet(set).includes(e));
});

Deno.test("catalog: the default set is Tracee's default restricted to what sluice traces", () => {
  const tracee = eventsInSet("default").map((e) => e.name);
  assert.ok(tracee.includes("security_file_open") === false && tracee.includes("security_socket_connect"));
  for (const name of DEFAULT_EVENTS) assert.ok(tracee.includes(name), name);
  for (const name of tracee) {
    const e = event(name);
    assert.equal(DEFAULT_EVENTS.includes(name), isTraceable(e) && !e.internal, name);
  }
  for (
    const name of ["sched_process_exec", "net_tcp_connect", "ptrace", "setuid", "init_module", "memfd_create"]
  ) {
    assert.ok(DEFAULT_EVENTS.includes(name), name);
  }
  for (
    const name of ["openat", "execve", "sched_process_fork", "sched_process_exit", "security_socket_connect"]
  ) {
    assert.ok(!DEFAULT_EVENTS.includes(name), name);
  }
});

Deno.test("catalog: what sluice cannot trace says why", () => {
  const reason = (name: string) => {
    const support = event(name).support;
    return support.kind === "unsupported" ? support.reason : `traced (${support.kind})`;
  };
  assert.equal(
    reason("security_file_open"),
    "needs kprobe security_file_open; sluice attaches only tracepoints so far",
  );
  assert.equal(reason("sched_switch"), "needs the tracepoint sched:sched_switch; not implemented yet");
  assert.equal(reason("container_create"), "traced (derived)");
  assert.equal(reason("waitpid"), "a 32-bit (i386) syscall that x86_64 does not have");
  assert.equal(reason("net_packet_base"), "Tracee keeps this event internal: users do not select it");
  assert.equal(reason("exec_test"), "one of Tracee's own self-test events");
  assert.equal(reason("init_namespaces"), "made by Tracee in user space; not implemented yet");
  assert.match(
    reason("net_packet_dns_request"),
    /^needs a cgroup_skb ingress program, .*kprobe sock_alloc_file/,
  );
  assert.equal(reason("sched_process_exec"), "traced (kernel)");
  assert.equal(reason("net_tcp_connect"), "traced (kernel)");
  assert.equal(reason("execve"), "traced (syscall)");

  assert.deepEqual(tracepointsNeeded(event("sched_switch")), ["sched:sched_switch"]);
  assert.equal(tracepointsNeeded(event("module_load")), undefined, "traced already");
  assert.deepEqual(tracepointsNeeded(event("init_namespaces")), []);
  assert.equal(tracepointsNeeded(event("security_file_open")), undefined, "needs a kprobe");
  assert.equal(tracepointsNeeded(event("waitpid")), undefined, "out of reach");
  assert.equal(tracepointsNeeded(event("sched_process_exec")), undefined, "traced already");

  assert.equal(selectionProblem("openat"), undefined);
  assert.equal(selectionProblem("nope"), 'unknown event "nope"');
  assert.equal(
    selectionProblem("fs"),
    'unknown event "fs": fs is a set of events (select its events with tag=fs)',
  );
  assert.equal(
    selectionProblem("security_file_open"),
    "sluice cannot trace security_file_open: needs kprobe security_file_open; sluice attaches only tracepoints so far",
  );
  assert.ok(!eventNames().includes("net_packet_base"), "internal events are not offered");
  assert.ok(eventNames().includes("security_file_open"), "untraceable ones are, with their reason");
});

Deno.test("catalog: the events of Tracee's detectors are known, and never traced", () => {
  assert.deepEqual(detectorByName("anti_debugging"), {
    name: "anti_debugging",
    detector: "TRC-102",
    reads: ["ptrace"],
  });
  assert.ok(DETECTORS.length >= 30);
  for (const d of DETECTORS) {
    assert.equal(eventByName(d.name), undefined, `${d.name} is not also a catalog event`);
    for (const read of d.reads) assert.ok(eventByName(read), `${d.name} reads ${read}`);
  }
  assert.equal(
    selectionProblem("stdio_over_socket"),
    "sluice cannot trace stdio_over_socket: Tracee's detector TRC-101 makes it from security_socket_connect, " +
      "socket_dup, and sluice runs no detectors",
  );
});

// The command-line policy: --scope/-s and --events/-e in Tracee's forms, and the implicit policy.
import assert from "node:assert/strict";
import { DEFAULT_POLICY, loadPolicies } from "../lib/policy/mod.ts";
import { ev, matched, openat, problemsOf } from "./_policy.ts";

const cli = (events: string[], scopes: string[] = [], defaultEvents?: readonly string[]) =>
  loadPolicies({ policyPaths: [], scopes, events }, { defaultEvents });

Deno.test("no flags: one implicit global policy with the default events", async () => {
  const set = await cli([], [], ["execve", "openat"]);
  assert.deepEqual(set.names, [DEFAULT_POLICY]);
  assert.deepEqual([...set.events!].sort(), ["execve", "openat"]);
  assert.deepEqual(matched(set, [openat("/a"), ev("connect")]), [[DEFAULT_POLICY], undefined]);
});

Deno.test("no flags while replaying: every event name matches and events is undefined", async () => {
  const set = await cli([]);
  assert.equal(set.events, undefined);
  assert.deepEqual(matched(set, [ev("connect"), ev("made_up_event")]), [[DEFAULT_POLICY], [DEFAULT_POLICY]]);
});

Deno.test("-e comma lists and repeats select events; -s alone keeps the default events in that scope", async () => {
  const set = await cli(["openat,execve", "connect"], [], ["bind"]);
  assert.deepEqual([...set.events!].sort(), ["connect", "execve", "openat"]);
  const scoped = await cli([], ["comm=ls"], ["openat"]);
  assert.deepEqual([...scoped.events!], ["openat"]);
  assert.deepEqual(matched(scoped, [openat("/a", { comm: "ls" }), openat("/a", { comm: "cat" })]), [
    [DEFAULT_POLICY],
    undefined,
  ]);
});

Deno.test("-e with --scope comm=: only that process's events", async () => {
  const set = await cli(["openat"], ["comm=bash", "uid>=1000"]);
  const events = [
    openat("/a", { comm: "bash", uid: 1000 }),
    openat("/a", { comm: "bash", uid: 0 }),
    ev("execve"),
  ];
  assert.deepEqual(matched(set, events).map((m) => m !== undefined), [true, false, false]);
});

Deno.test("-e NAME.data.FIELD=, .args., .retval and .scope. filters; a filter selects its event", async () => {
  const set = await cli([
    "openat.data.pathname=/etc/*",
    "openat.retval>=0",
    "execve.scope.comm=curl",
    "connect.scope.container",
    "unlinkat.args.pathname!=/tmp/*",
  ]);
  assert.deepEqual([...set.events!].sort(), ["connect", "execve", "openat", "unlinkat"]);
  const events = [
    openat("/etc/passwd", {}, 3),
    openat("/etc/passwd", {}, -13),
    openat("/tmp/a", {}, 3),
    ev("execve", { comm: "curl" }),
    ev("execve", { comm: "wget" }),
    ev("connect", { container: "abc" }),
    ev("connect"),
    ev("unlinkat", { data: [{ name: "pathname", str: "/var/x" }] }),
    ev("unlinkat", { data: [{ name: "pathname", str: "/tmp/x" }] }),
  ];
  assert.deepEqual(matched(set, events).map((m) => m !== undefined), [
    true,
    false,
    false,
    true,
    false,
    true,
    false,
    true,
    false,
  ]);
});

Deno.test("-e prefix* selects every catalog event starting so; -NAME leaves one out", async () => {
  const set = await cli(["sched_process_*", "-sched_process_exit"]);
  assert.deepEqual([...set.events!].sort(), ["sched_process_exec", "sched_process_fork"]);
  const defaults = await cli(["-openat"], [], ["openat", "execve"]);
  assert.deepEqual([...defaults.events!], ["execve"]);
  const everything = await cli(["-openat"]);
  assert.equal(everything.events, undefined);
  assert.deepEqual(matched(everything, [openat("/a"), ev("execve")]), [undefined, [DEFAULT_POLICY]]);
});

Deno.test("-s follow: descendants of the scoped process; fork events tracked, not emitted", async () => {
  const set = await cli(["openat"], ["comm=bash", "follow"]);
  assert.deepEqual([...set.events!].sort(), ["openat", "sched_process_fork"]);
});

Deno.test("bad -e and -s values name the flag and value", async () => {
  assert.deepEqual(
    await problemsOf({
      events: [
        "opnat",
        "openat.data.path=/x",
        "openat.retval=x",
        "openat.bogus.x=1",
        "openat.data.pathname",
        "-nope",
        "zz*",
        "",
        "openat, execve",
        "openat.data=5",
        "openat.data.pathname==/x",
        "openat.scope.comm= bash",
      ],
      scopes: ["comm", "colour=red", " comm=bash", "comm=bash ", "!container", "uid=-1"],
    }),
    [
      '--events opnat: unknown event "opnat"',
      '--events openat.bogus.x=1: "bogus" is not a filter kind (use data, args, retval or scope)',
      "--events openat.data.pathname: the filter needs an operator and a value",
      '--events zz*: no event sluice can trace starts with "zz"',
      "--events : the value is empty",
      '--events openat, execve: remove the whitespace around " execve"',
      "--events openat.data=5: the data field's name is missing (NAME.data.FIELD<op>VALUE)",
      '--events -nope: unknown event "nope"',
      '--events openat.data.path=/x: "data.path=/x": event openat has no data field "path" (its fields: dirfd, pathname, flags, mode, returnValue)',
      '--events openat.retval=x: "retval=x": retval must be an integer: "x" is not an integer',
      '--events openat.data.pathname==/x: "data.pathname==/x": "==" is not an operator (use = != < > <= >=)',
      '--events openat.scope.comm= bash: "comm= bash": remove the whitespace around the value " bash"',
      '--scope: "comm": invalid scope: not a NAME<op>VALUE expression (operators: = != < > <= >=)',
      '--scope: "colour=red": unknown scope "colour" (known: global, comm, pid, uid, binary, executable, container, not-container, tree, follow, mntns, pidns)',
      '--scope: " comm=bash": remove the whitespace around it',
      '--scope: "comm=bash ": remove the whitespace around it',
      '--scope: "!container": not a scope: "!" is not an operator here; use not-container',
      '--scope: "uid=-1": -1 is out of range for u_int32 (0 to 4294967295)',
    ],
  );
});

Deno.test("an unknown event in the default set is reported", async () => {
  assert.deepEqual(await problemsOf({}, ["openat", "no_such_event"]), [
    'default events: unknown event "no_such_event"',
  ]);
});

Deno.test("-e tag=SET selects the events of Tracee's sets that sluice traces; -e SET is an error", async () => {
  const set = await cli(["tag=proc_life,net_sock"]);
  const events = [...set.events!];
  for (const name of ["execve", "execveat", "clone", "sched_process_exit", "connect", "accept4"]) {
    assert.ok(events.includes(name), name);
  }
  assert.ok(!events.includes("openat"));
  assert.deepEqual(await problemsOf({ events: ["fs", "tag=nope", "tag=", "tag!=fs"] }), [
    '--events fs: unknown event "fs": fs is a set of events (select its events with tag=fs)',
    '--events tag=nope: unknown set "nope"',
    "--events tag=: has an empty set name",
    "--events tag!=fs: expected tag=SET or tag=SET,SET",
  ]);
  const fs = await cli(["tag=fs", "-openat"]);
  assert.ok(fs.events!.has("open") && !fs.events!.has("openat") && !fs.events!.has("security_file_open"));
});

Deno.test("naming an event sluice cannot trace is an error with the reason, with -e or in a policy", async () => {
  assert.deepEqual(await problemsOf({ events: ["security_file_open", "openat", "waitpid", "security_*"] }), [
    "--events security_file_open: sluice cannot trace security_file_open: needs kprobe security_file_open; " +
    "sluice attaches only tracepoints so far",
    "--events waitpid: sluice cannot trace waitpid: a 32-bit (i386) syscall that x86_64 does not have",
    '--events security_*: no event sluice can trace starts with "security_"',
  ]);
  assert.deepEqual((await cli(["-security_file_open"], [], ["openat"])).events, new Set(["openat"]));
});

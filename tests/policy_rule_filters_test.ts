// Rule filters: data fields (globs, numbers, 64-bit values, bools, arrays), retval, and context fields.
import assert from "node:assert/strict";
import type { DataField } from "../lib/events/event.ts";
import { ev, fromYaml, matched, openat, policyYaml } from "./_policy.ts";

const keeps = async (event: string, filters: string[], events: ReturnType<typeof ev>[]) => {
  const set = await fromYaml(policyYaml("p", ["global"], [{ event, filters }]));
  return matched(set, events).map((m) => m !== undefined);
};

const PATHS = ["/etc/passwd", "/etc/shadow", "/tmp/x.so", "/proc/1/status"].map((p) => openat(p));

Deno.test("data.NAME= exact values, comma lists and * globs at either end", async () => {
  assert.deepEqual(await keeps("openat", ["data.pathname=/etc/shadow"], PATHS), [false, true, false, false]);
  assert.deepEqual(await keeps("openat", ["data.pathname=/etc/*"], PATHS), [true, true, false, false]);
  assert.deepEqual(await keeps("openat", ["data.pathname=*.so,*status"], PATHS), [false, false, true, true]);
  assert.deepEqual(await keeps("openat", ["data.pathname=*tc/pa*"], PATHS), [true, false, false, false]);
});

Deno.test("data.NAME!= negation, ANDed over its values and with other filters", async () => {
  assert.deepEqual(await keeps("openat", ["data.pathname!=/etc/*,*.so"], PATHS), [false, false, false, true]);
  assert.deepEqual(await keeps("openat", ["data.pathname=/etc/*", "data.pathname!=/etc/shadow"], PATHS), [
    true,
    false,
    false,
    false,
  ]);
});

Deno.test("args.NAME is an alias of data.NAME", async () => {
  assert.deepEqual(await keeps("openat", ["args.pathname=/etc/*"], PATHS), [true, true, false, false]);
});

Deno.test("numeric data fields compare as numbers, 64-bit strings exactly", async () => {
  const requests = ["0", "1", "-2", "255", "9223372036854775807", "9223372036854775806"].map((code) =>
    ev("ptrace", {
      data: [{ name: "request", int64: code }, { name: "pid", int32: 1 }],
    })
  );
  assert.deepEqual(await keeps("ptrace", ["data.request>0"], requests), [
    false,
    true,
    false,
    true,
    true,
    true,
  ]);
  assert.deepEqual(await keeps("ptrace", ["data.request<=0"], requests), [
    true,
    false,
    true,
    false,
    false,
    false,
  ]);
  assert.deepEqual(await keeps("ptrace", ["data.request=9223372036854775807,-2"], requests), [
    false,
    false,
    true,
    false,
    true,
    false,
  ]);
  assert.deepEqual(await keeps("ptrace", ["data.request>=9223372036854775807"], requests), [
    false,
    false,
    false,
    false,
    true,
    false,
  ]);
  assert.deepEqual(
    await keeps("ptrace", ["data.request!=0,1", "data.pid=1"], requests),
    [
      false,
      false,
      true,
      true,
      true,
      true,
    ],
  );
});

Deno.test("int32 data fields with ranges; a missing field fails the filter", async () => {
  const flags = [0, 64, 524288].map((f) => ({
    ...openat("/a"),
    data: [{ name: "flags", int32: f }] as DataField[],
  }));
  assert.deepEqual(await keeps("openat", ["data.flags>0", "data.flags<100000"], flags), [false, true, false]);
  assert.deepEqual(await keeps("openat", ["data.mode=0"], flags), [false, false, false]);
});

Deno.test("string arrays are matched as their elements joined by spaces", async () => {
  const execs = [["curl", "-s", "http://x"], ["ls", "-l"]].map((argv) =>
    ev("execve", {
      data: [{ name: "pathname", str: "/usr/bin/" + argv[0] }, { name: "argv", str_array: { value: argv } }],
    })
  );
  assert.deepEqual(await keeps("execve", ["data.argv=curl *"], execs), [true, false]);
  assert.deepEqual(await keeps("execve", ["data.argv=ls -l"], execs), [false, true]);
});

Deno.test("retval with comparisons, read from the returnValue data entry", async () => {
  const opens = [openat("/a", {}, 3), openat("/b", {}, -2), openat("/c", {}, 0), openat("/d")];
  assert.deepEqual(await keeps("openat", ["retval>=0"], opens), [true, false, true, false]);
  assert.deepEqual(await keeps("openat", ["retval<0"], opens), [false, true, false, false]);
  assert.deepEqual(await keeps("openat", ["retval!=0"], opens), [true, true, false, false]);
  assert.deepEqual(await keeps("openat", ["retval=-2,3"], opens), [true, true, false, false]);
});

Deno.test("context filters in rules: comm, pid, hostPid, ppid, uid, container, host, containerId, executable", async () => {
  const events = [
    openat("/a", { comm: "bash", pid: 100, nsPid: 5, uid: 0, ppid: 1, exe: "/bin/bash" }),
    openat("/a", { comm: "curl", pid: 200, uid: 1000, container: "c0ffee", ppid: 100, exe: "/usr/bin/curl" }),
  ];
  assert.deepEqual(await keeps("openat", ["comm=bash"], events), [true, false]);
  assert.deepEqual(await keeps("openat", ["processName!=bash"], events), [false, true]);
  assert.deepEqual(await keeps("openat", ["pid=5"], events), [true, false]);
  assert.deepEqual(await keeps("openat", ["hostPid>150"], events), [false, true]);
  assert.deepEqual(await keeps("openat", ["ppid=100"], events), [false, true]);
  assert.deepEqual(await keeps("openat", ["uid=0"], events), [true, false]);
  assert.deepEqual(await keeps("openat", ["container"], events), [false, true]);
  assert.deepEqual(await keeps("openat", ["not-container"], events), [true, false]);
  assert.deepEqual(await keeps("openat", ["host"], events), [true, false]);
  assert.deepEqual(await keeps("openat", ["containerId=c0ffee"], events), [false, true]);
  assert.deepEqual(await keeps("openat", ["executable=/usr/bin/*"], events), [false, true]);
});

Deno.test("filters apply to their own event only; other rules of the policy are unaffected", async () => {
  const set = await fromYaml(policyYaml("p", ["global"], [
    { event: "openat", filters: ["data.pathname=/etc/*"] },
    { event: "execve" },
  ]));
  assert.deepEqual(matched(set, [openat("/tmp/a"), ev("execve"), openat("/etc/a")]), [undefined, ["p"], [
    "p",
  ]]);
});

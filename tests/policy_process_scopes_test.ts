// Scope results kept per process: a pid whose comm, executable, uid or container changes is checked again.
import assert from "node:assert/strict";
import { fromYaml, matched, openat, policyYaml } from "./_policy.ts";

Deno.test("the same pid after exec (new comm and executable) is scoped by its new identity", async () => {
  const set = await fromYaml(
    policyYaml("bash-only", ["comm=bash", "binary=/usr/bin/bash"], [{ event: "openat" }]),
  );
  const events = [
    openat("/1", { pid: 10, comm: "bash", exe: "/usr/bin/bash" }),
    openat("/2", { pid: 10, comm: "ls", exe: "/usr/bin/ls" }),
    openat("/3", { pid: 10, comm: "bash", exe: "/usr/bin/bash" }),
    openat("/4", { pid: 10, comm: "bash", exe: "/tmp/bash" }),
  ];
  assert.deepEqual(matched(set, events).map((m) => m !== undefined), [true, false, true, false]);
});

Deno.test("a uid or container change of a known pid is seen", async () => {
  const set = await fromYaml(policyYaml("root-host", ["uid=0", "not-container"], [{ event: "openat" }]));
  const events = [
    openat("/1", { pid: 20, uid: 0 }),
    openat("/2", { pid: 20, uid: 1000 }),
    openat("/3", { pid: 20, uid: 0, container: "abc" }),
    openat("/4", { pid: 20, uid: 0 }),
  ];
  assert.deepEqual(matched(set, events).map((m) => m !== undefined), [true, false, false, true]);
});

Deno.test("many identities of one pid and many pids keep matching correctly", async () => {
  const set = await fromYaml(policyYaml("even-comms", ["comm=c0,c2,c4,c6,c8"], [{ event: "openat" }]));
  const events = Array.from(
    { length: 30_000 },
    (_, i) => openat("/x", { pid: i % 20_000, comm: `c${i % 10}` }),
  );
  const kept = matched(set, events);
  events.forEach((_, i) => assert.equal(kept[i] !== undefined, i % 2 === 0, `event ${i}`));
});

Deno.test("events sharing one workload object (as the kernel source gives a thread's events) share the answer", async () => {
  const set = await fromYaml(policyYaml("ls-only", ["comm=ls"], [{ event: "openat" }]));
  const first = openat("/1", { pid: 30, comm: "ls" });
  const second = { ...openat("/2"), workload: first.workload };
  const other = openat("/3", { pid: 30, comm: "cat" });
  const third = { ...openat("/4"), workload: first.workload };
  assert.deepEqual(matched(set, [first, second, other, third]).map((m) => m !== undefined), [
    true,
    true,
    false,
    true,
  ]);
});

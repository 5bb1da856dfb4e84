// Matching: policies.matched, dropping, the traced event set, 64 bits, follow and tree.
import assert from "node:assert/strict";
import { loadPolicies } from "../lib/policy/mod.ts";
import { ev, fork, fromYaml, matched, openat, policyDir, policyYaml } from "./_policy.ts";

Deno.test("an event carries every policy that matched it, in policy order; unmatched events are dropped", async () => {
  const set = await fromYaml([
    policyYaml("all-opens", ["global"], [{ event: "openat" }]),
    policyYaml("etc-opens", ["global"], [{ event: "openat", filters: ["data.pathname=/etc/*"] }]),
    policyYaml("root", ["uid=0"], [{ event: "openat" }, { event: "execve" }]),
  ].join("\n---\n"));
  const events = [
    openat("/etc/x", { uid: 0 }),
    openat("/tmp/x"),
    ev("execve", { uid: 1 }),
    ev("execve", { uid: 0 }),
  ];
  assert.deepEqual(matched(set, events), [
    ["all-opens", "etc-opens", "root"],
    ["all-opens"],
    undefined,
    ["root"],
  ]);
});

Deno.test("match overwrites what a recording carried, keeps order and returns only kept events", async () => {
  const set = await fromYaml(policyYaml("p", ["comm=ls"], [{ event: "openat" }]));
  const batch = [openat("/1", { comm: "ls" }), openat("/2", { comm: "cat" }), openat("/3", { comm: "ls" })];
  const [first, , third] = batch;
  const out = set.match(batch);
  assert.deepEqual(out, [first, third]);
  assert.deepEqual(first.policies, { matched: ["p"] });
  // Events with the same set share one frozen value rather than a copy each.
  assert.equal(first.policies, third.policies);
  assert(Object.isFrozen(first.policies!.matched));
});

Deno.test("events is the union of the rules' events; follow adds fork events without emitting them", async () => {
  const set = await fromYaml([
    policyYaml("a", ["comm=bash", "follow"], [{ event: "execve" }]),
    policyYaml("b", ["global"], [{ event: "openat" }]),
  ].join("\n---\n"));
  assert.deepEqual([...set.events!].sort(), ["execve", "openat", "sched_process_fork"]);
  assert.deepEqual(matched(set, [fork(10, 11, { comm: "bash" })]), [undefined]);
});

Deno.test("policies 33 to 64 use the high half of the mask", async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 64; i++) {
    files[`p${String(i).padStart(2, "0")}.yaml`] = policyYaml(`p${i}`, [`uid=${i}`], [{ event: "openat" }]);
  }
  const set = await loadPolicies({ policyPaths: [await policyDir(files)], scopes: [], events: [] }, {
    defaultEvents: undefined,
  });
  const events = [0, 31, 32, 63, 64].map((uid) => openat("/a", { uid }));
  assert.deepEqual(matched(set, events), [["p0"], ["p31"], ["p32"], ["p63"], undefined]);
});

Deno.test("follow: descendants of a process in scope are in scope, learnt from fork events", async () => {
  const set = await fromYaml(policyYaml("shells", ["comm=bash", "follow"], [{ event: "openat" }]));
  const events = [
    openat("/before", { comm: "ls", pid: 11 }),
    fork(10, 11, { comm: "bash" }),
    openat("/child", { comm: "ls", pid: 11 }),
    fork(11, 12, { comm: "ls" }),
    openat("/grandchild", { comm: "cat", pid: 12 }),
    fork(20, 21, { comm: "sshd" }),
    openat("/other", { comm: "ls", pid: 21 }),
    ev("sched_process_exit", {
      pid: 11,
      data: [{ name: "exit_code", int64: "0" }, { name: "process_group_exit", bool: true }],
    }),
    openat("/reused-pid", { comm: "ls", pid: 11 }),
  ];
  assert.deepEqual(matched(set, events).map((m) => m !== undefined), [
    false,
    false,
    true,
    false,
    true,
    false,
    false,
    false,
    false,
  ]);
});

Deno.test("follow is per policy: another policy does not inherit it", async () => {
  const set = await fromYaml([
    policyYaml("follow-bash", ["comm=bash", "follow"], [{ event: "openat" }]),
    policyYaml("just-bash", ["comm=bash"], [{ event: "openat" }]),
  ].join("\n---\n"));
  const out = matched(set, [
    fork(10, 11, { comm: "bash" }),
    openat("/x", { comm: "ls", pid: 11 }),
    openat("/y"),
  ]);
  assert.deepEqual(out, [undefined, ["follow-bash"], ["follow-bash", "just-bash"]]);
});

Deno.test("fork events selected by a policy are emitted and still tracked", async () => {
  const set = await fromYaml(
    policyYaml("p", ["comm=bash", "follow"], [{ event: "sched_process_fork" }, { event: "openat" }]),
  );
  const out = matched(set, [fork(10, 11, { comm: "bash" }), openat("/x", { comm: "ls", pid: 11 })]);
  assert.deepEqual(out, [["p"], ["p"]]);
});

Deno.test("tree=PID: the process and its descendants; tree!=PID excludes a subtree", async () => {
  const set = await fromYaml([
    policyYaml("in-tree", ["tree=100"], [{ event: "openat" }]),
    policyYaml("not-tree", ["tree!=200"], [{ event: "openat" }]),
  ].join("\n---\n"));
  const events = [
    openat("/root", { pid: 100 }),
    fork(100, 101),
    openat("/child", { pid: 101 }),
    fork(200, 201),
    openat("/other", { pid: 201 }),
    openat("/unrelated", { pid: 300 }),
    openat("/known-parent", { pid: 150, ppid: 100 }),
  ];
  assert.deepEqual(matched(set, events), [
    ["in-tree", "not-tree"],
    undefined,
    ["in-tree", "not-tree"],
    undefined,
    undefined,
    ["not-tree"],
    ["in-tree", "not-tree"],
  ]);
});

Deno.test("rule filters with follow: the followed child still has to pass its rule's filters", async () => {
  const set = await fromYaml(
    policyYaml("p", ["comm=bash", "follow"], [{ event: "openat", filters: ["data.pathname=/etc/*"] }]),
  );
  const out = matched(set, [
    fork(1, 2, { comm: "bash" }),
    openat("/etc/a", { comm: "x", pid: 2 }),
    openat("/tmp", { comm: "x", pid: 2 }),
  ]);
  assert.deepEqual(out, [undefined, ["p"], undefined]);
});

Deno.test("a replayed event of a name not in the catalog is matched by an all-events policy only", async () => {
  const all = await loadPolicies({ policyPaths: [], scopes: [], events: [] }, { defaultEvents: undefined });
  assert.equal(all.events, undefined);
  const odd = ev("security_file_open");
  assert.deepEqual(matched(all, [odd, openat("/a")]), [["default"], ["default"]]);
  const set = await fromYaml(policyYaml("p", ["global"], [{ event: "openat" }]));
  assert.deepEqual(matched(set, [odd]), [undefined]);
});

Deno.test("pid=new: processes forked while sluice runs; pid!=new: the ones that were there before", async () => {
  const set = await fromYaml([
    policyYaml("new-ones", ["pid=new"], [{ event: "openat" }]),
    policyYaml("old-ones", ["pid!=new"], [{ event: "openat" }]),
  ].join("\n---\n"));
  assert.deepEqual([...set.events!].sort(), ["openat", "sched_process_fork"]);
  const events = [
    openat("/a", { pid: 50 }),
    fork(50, 51),
    openat("/b", { pid: 51 }),
    openat("/c", { pid: 50 }),
    ev("sched_process_exit", {
      pid: 51,
      data: [{ name: "exit_code", int64: "0" }, { name: "process_group_exit", bool: true }],
    }),
    openat("/d", { pid: 51 }),
  ];
  assert.deepEqual(matched(set, events), [["old-ones"], undefined, ["new-ones"], ["old-ones"], undefined, [
    "old-ones",
  ]]);
});

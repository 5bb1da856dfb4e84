// What the policies' kernel side holds: only what the kernel can decide, so it passes a superset.
import assert from "node:assert/strict";
import { loadPolicies } from "../lib/policy/mod.ts";
import { fromYaml, policyYaml } from "./_policy.ts";

Deno.test("kernel filter: = and != values per kind, with each policy's bit", async () => {
  const set = await fromYaml([
    policyYaml("a", ["uid=1000,1001", "comm=cat"], [{ event: "openat" }]),
    policyYaml("b", ["uid!=0", "pid=42", "mntns=4026531841", "pidns!=4026531836"], [{ event: "execve" }]),
  ].join("\n---\n"));
  const filter = set.kernelFilter!;
  assert.equal(filter.listed.uid, 1n);
  assert.deepEqual(filter.values.uid.get(1000), { eq: 1n, ne: 0n });
  assert.deepEqual(filter.values.uid.get(0), { eq: 0n, ne: 2n });
  assert.deepEqual(filter.values.comm.get("cat"), { eq: 1n, ne: 0n });
  assert.equal(filter.listed.pid, 2n);
  assert.equal(filter.listed.mnt_ns, 2n);
  assert.equal(filter.listed.pid_ns, 0n);
  assert.deepEqual(filter.values.pid_ns.get(4026531836), { eq: 0n, ne: 2n });
  assert.equal(filter.policiesOf("openat"), 1n);
  assert.equal(filter.policiesOf("execve"), 2n);
  assert.equal(filter.policiesOf("close"), 0n);
});

Deno.test("kernel filter: ranges, patterns, long or non-ASCII names and followed scopes are left to user space", async () => {
  const set = await fromYaml([
    policyYaml("ranges", ["uid>1000"], [{ event: "openat" }]),
    policyYaml("patterns", ["comm=py*"], [{ event: "openat" }]),
    policyYaml("long", ["comm=a-process-name-of-many-chars"], [{ event: "openat" }]),
    policyYaml("unicode", ["comm=café"], [{ event: "openat" }]),
    policyYaml("follow", ["uid=7", "follow"], [{ event: "openat" }]),
    policyYaml("tree", ["uid=8", "tree=1"], [{ event: "openat" }]),
  ].join("\n---\n"));
  const filter = set.kernelFilter!;
  for (const kind of ["uid", "pid", "mnt_ns", "pid_ns"] as const) {
    assert.equal(filter.listed[kind], 0n, kind);
    assert.equal(filter.values[kind].size, 0, kind);
  }
  // The long name is cut to the kernel's 15 characters, which the kernel can compare.
  assert.deepEqual([...filter.values.comm.keys()], ["a-process-name-"]);
  assert.equal(filter.listed.comm, 4n);
  assert.equal(filter.policiesOf("openat"), 0b111111n);
});

Deno.test("kernel filter: a policy selecting every event (replay's implicit one) selects each by name", async () => {
  const set = await loadPolicies({ policyPaths: [], scopes: ["uid=0"], events: [] }, {
    defaultEvents: undefined,
  });
  const filter = set.kernelFilter!;
  assert.equal(filter.policiesOf("openat"), 1n);
  assert.equal(filter.policiesOf("sched_process_exec"), 1n);
  assert.deepEqual(filter.values.uid.get(0), { eq: 1n, ne: 0n });
});

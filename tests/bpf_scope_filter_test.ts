/**
 * The in-kernel scope filter on the live kernel: with narrow policies, only records they may want
 * cross the ring buffer, and none of the events they want is missing (the filter lets through a
 * superset of what the policies match, never less).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { asNobody, bpfTest, NOBODY, trace } from "./_bpf.ts";
import { type Event, findData } from "../lib/events/event.ts";
import { loadPolicies } from "../lib/policy/mod.ts";
import type { PolicySet } from "../lib/policy/policy_set.ts";

function policyFile(name: string, scope: string[], events: string[]): string {
  return [
    "apiVersion: tracee.aquasec.com/v1beta1",
    "kind: Policy",
    "metadata:",
    `  name: ${name}`,
    "spec:",
    "  scope:",
    ...scope.map((s) => `    - ${s}`),
    "  rules:",
    ...events.map((e) => `    - event: ${e}`),
    "",
  ].join("\n");
}

async function policies(dir: string, files: Record<string, string>): Promise<PolicySet> {
  for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(join(dir, `${name}.yaml`), text);
  return await loadPolicies({ policyPaths: [dir], scopes: [], events: [] }, { defaultEvents: undefined });
}

/** Every event the kernel source yields while `workload` runs, before any policy is applied. */
function traced(set: PolicySet, workload: () => Promise<void>): Promise<Event[]> {
  return trace([...set.events!], workload, { filter: set.kernelFilter });
}

async function sh(script: string): Promise<void> {
  const output = await new Deno.Command("/bin/sh", { args: ["-c", script], stdout: "null" }).output();
  assert.ok(output.success, `sh -c ${script} failed`);
}

const opened = (events: Event[], path: string) =>
  events.filter((e) => e.name === "openat" && findData(e, "pathname") === path);

bpfTest("kernel scope filter: only what narrow policies may want arrives, and all of it", async () => {
  const dir = await Deno.makeTempDir();
  const marker = (tag: string) => join(dir, `${tag}-${crypto.randomUUID()}`);
  const [a, b, c] = [marker("nobody"), marker("root-cat"), marker("root-head")];
  for (const path of [a, b, c]) await Deno.writeTextFile(path, "x\n", { mode: 0o644 });
  await Deno.chmod(dir, 0o755);
  const set = await policies(await Deno.makeTempDir(), {
    nobody: policyFile("nobody", [`uid=${NOBODY}`], ["openat"]),
    heads: policyFile("heads", ["comm=head", "uid!=12345"], ["openat"]),
  });
  try {
    const events = await traced(set, async () => {
      await asNobody("/bin/sh", ["-c", `for i in $(seq 50); do cat ${a}; done`]);
      await sh(`for i in $(seq 50); do cat ${b}; done`);
      await sh(`for i in $(seq 20); do head ${c}; done`);
    });
    // Nothing it wants is missing: every open of the two wanted markers arrived.
    assert.equal(opened(events, a).length, 50, "the opens as nobody");
    assert.equal(opened(events, c).length, 20, "the opens by head");
    // Only its events arrive: root's cat, and everything else on the host, stayed in the kernel.
    assert.equal(opened(events, b).length, 0, "root's cat opens crossed the ring buffer");
    const stray = events.filter((e) =>
      e.workload?.process?.real_user?.id !== NOBODY && e.workload?.process?.thread?.name !== "head"
    );
    assert.deepEqual(stray.map((e) => `${e.name} ${e.workload?.process?.thread?.name}`), []);
    // And the policies, applied in user space, keep every event the filter let through.
    assert.equal(set.match(events.slice()).length, events.length);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

bpfTest(
  "kernel scope filter: a policy the kernel cannot follow (follow) lets its events through",
  async () => {
    const dir = await Deno.makeTempDir();
    const path = join(dir, `followed-${crypto.randomUUID()}`);
    await Deno.writeTextFile(path, "x\n");
    const set = await policies(await Deno.makeTempDir(), {
      followed: policyFile("followed", ["comm=no-such-comm", "follow"], ["openat"]),
    });
    try {
      const events = await traced(set, () => sh(`for i in $(seq 10); do cat ${path}; done`));
      assert.equal(opened(events, path).length, 10);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

bpfTest(
  "kernel scope filter: a syscall that gives its task a wanted comm arrives, though decided unwanted at entry",
  async () => {
    const name = `rn${crypto.randomUUID().slice(0, 8)}`;
    const set = await policies(await Deno.makeTempDir(), {
      renamed: policyFile("renamed", [`comm=${name}`], ["write", "openat", "prctl"]),
    });
    // dash writes /proc/self/comm from its own process (printf is a builtin), entering the write as
    // "sh" and leaving it as `name`; then it opens /dev/null under its new name.
    const events = await traced(set, () => sh(`printf ${name} > /proc/self/comm; : < /dev/null`));
    const ours = events.filter((e) => e.workload?.process?.thread?.name === name);
    const write = ours.find((e) => e.name === "write" && Number(findData(e, "returnValue")) === name.length);
    assert(write, `the write that renamed the shell is missing: ${ours.map((e) => e.name)}`);
    assert(ours.some((e) => e.name === "openat" && findData(e, "pathname") === "/dev/null"));
  },
);

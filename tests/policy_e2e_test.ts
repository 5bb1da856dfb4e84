/**
 * Policies through main.ts as a subprocess: streams routing by filters.policies on replayed
 * events, follow on a recording of a live host, configuration errors, and the live kernel.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { buildWorkload } from "../bench/workload.ts";
import type { Event } from "../lib/events/event.ts";
import { findData } from "../lib/events/event.ts";
import { programsFor } from "../lib/source/bpf.ts";
import { bpfTest, programIdsHeldBy } from "./_bpf.ts";
import { ev, openat, policyYaml } from "./_policy.ts";

const ROOT = `${import.meta.dirname}/..`;
const MAIN = `${ROOT}/main.ts`;
const POLICIES = `${ROOT}/fixtures/policies`;
const decoder = new TextDecoder();

async function sluice(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

const readEvents = async (path: string): Promise<Event[]> =>
  (await Deno.readTextFile(path)).split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));

Deno.test("streams route by filters.policies: the severe stream gets only severe-events-policy's events", async () => {
  const dir = await Deno.makeTempDir();
  const exec = (path: string, comm: string) =>
    ev("sched_process_exec", { comm, data: [{ name: "pathname", str: path }] });
  const events = [
    exec("/tmp/dropper", "bash"), // severe and shell-activity
    exec("/usr/bin/ls", "bash"), // shell-activity only
    ev("ptrace", { comm: "gdb", data: [] }), // severe only
    openat("/etc/hosts", { comm: "cron" }), // no policy
  ].map((e, i) => ({ ...e, data: [...e.data!, { name: "seq", int32: i }] }));
  await Deno.writeTextFile(join(dir, "in.jsonl"), events.map((e) => JSON.stringify(e)).join("\n") + "\n");
  const config = [
    "output:",
    "  destinations:",
    `    - { name: everything, type: file, format: json, path: ${dir}/all.json }`,
    `    - { name: severe, type: file, format: json, path: ${dir}/severe.json }`,
    "  streams:",
    "    - { name: tracing, destinations: [everything] }",
    "    - name: severe_events",
    "      destinations: [severe]",
    "      filters: { policies: [severe-events-policy] }",
    "      buffer: { mode: drop }",
  ].join("\n");
  await Deno.writeTextFile(join(dir, "config.yaml"), config);
  const run = await sluice([
    "--config",
    join(dir, "config.yaml"),
    "--policy",
    POLICIES,
    "--input",
    join(dir, "in.jsonl"),
  ]);
  assert.equal(run.code, 0, run.stderr);
  const seq = (e: Event) => e.data!.find((d) => d.name === "seq")!.int32;
  const all = await readEvents(join(dir, "all.json"));
  assert.deepEqual(all.map((e) => [seq(e), e.policies?.matched]), [
    [0, ["severe-events-policy", "shell-activity"]],
    [1, ["shell-activity"]],
    [2, ["severe-events-policy"]],
  ]);
  const severe = await readEvents(join(dir, "severe.json"));
  assert.deepEqual(severe.map(seq), [0, 2]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a stream naming a policy that is not loaded, and a bad policy file, exit 2 before anything runs", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "in.jsonl"), JSON.stringify(openat("/a")) + "\n");
  const unknown = await sluice([
    "--policy",
    POLICIES,
    "--input",
    join(dir, "in.jsonl"),
    "-o",
    `json:${dir}/out.json`,
    "-o",
    "streams.s.filters.policies=no-such-policy",
    "-o",
    `streams.s.destinations=${dir}/out.jsonjson`,
  ]);
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /streams\.s\.filters\.policies: unknown policy "no-such-policy"/);
  await Deno.writeTextFile(
    join(dir, "bad.yaml"),
    policyYaml("bad", ["global"], [{ event: "openat", filters: ["retval=ok"] }]),
  );
  const bad = await sluice(["--policy", join(dir, "bad.yaml"), "--input", join(dir, "in.jsonl")]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(
    bad.stderr,
    /bad\.yaml: policy "bad": spec\.rules\[0\]\.filters\[0\]: "retval=ok": retval must be an integer/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("follow on a recording of a live host: sh's descendants are in scope, found through fork events", async () => {
  const dir = await Deno.makeTempDir();
  const recording = `${ROOT}/fixtures/events/recorded.jsonl`;
  const run = await sluice([
    "-e",
    "sched_process_exec",
    "-s",
    "comm=sh",
    "-s",
    "follow",
    "--input",
    recording,
    "-o",
    `json:${dir}/out.json`,
  ]);
  assert.equal(run.code, 0, run.stderr);
  const emitted = await readEvents(join(dir, "out.json"));
  // The oracle: processes forked by an sh process, or by one of those, in recording order.
  const recorded = await readEvents(recording);
  const followed = new Set<number>();
  const expected: Event[] = [];
  for (const e of recorded) {
    const pid = e.workload!.process!.host_pid!;
    const inScope = e.workload!.process!.thread!.name === "sh" || followed.has(pid);
    if (e.name === "sched_process_fork" && inScope) followed.add(findData(e, "child_pid") as number);
    if (e.name === "sched_process_exit" && findData(e, "process_group_exit") === true) followed.delete(pid);
    if (e.name === "sched_process_exec" && inScope) expected.push(e);
  }
  assert(
    expected.some((e) => e.workload!.process!.thread!.name !== "sh"),
    "the recording has no followed child",
  );
  assert.deepEqual(emitted.map((e) => e.timestamp), expected.map((e) => e.timestamp));
  assert(emitted.every((e) => e.policies?.matched?.join() === "default"));
  await Deno.remove(dir, { recursive: true });
});

bpfTest(
  "live kernel: a comm= scope and a data.pathname= filter select exactly the workload's openat",
  async () => {
    const workload = await buildWorkload();
    const dir = await Deno.makeTempDir();
    // A copy of the workload under another name: another comm, the same behaviour.
    const other = join(dir, "otherproc");
    await Deno.copyFile(workload, other);
    await Deno.chmod(other, 0o755);
    const target = join(dir, `target-${crypto.randomUUID()}`);
    const elsewhere = join(dir, `elsewhere-${crypto.randomUUID()}`);
    await Deno.writeTextFile(target, "x");
    await Deno.writeTextFile(elsewhere, "x");
    const policy = join(dir, "policy.yaml");
    await Deno.writeTextFile(
      policy,
      policyYaml("workload-opens", ["comm=workload"], [{
        event: "openat",
        filters: [`data.pathname=${dir}/target-*`],
      }]),
    );
    const output = join(dir, "out.json");
    const programs = programsFor(new Set(["openat"])).length;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", MAIN, "--policy", policy, "-o", `json:${output}`],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    let exited = false;
    child.status.then(() => exited = true);
    const ours = new Set<number>();
    while (ours.size < programs) {
      assert(!exited, "sluice exited before attaching its programs");
      for (const id of await programIdsHeldBy(child.pid, { attached: true })) ours.add(id);
      await new Promise((r) => setTimeout(r, 100));
    }
    const pids: number[] = [];
    try {
      for (const [binary, path] of [[workload, target], [workload, elsewhere], [other, target]]) {
        const proc = new Deno.Command(binary, { args: ["open", path, "3"], stdout: "null" }).spawn();
        pids.push(proc.pid);
        assert((await proc.status).success);
      }
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      child.kill("SIGINT");
    }
    const { code, stderr } = await child.output();
    assert.equal(code, 0, decoder.decode(stderr));
    const events = await readEvents(output);
    await Deno.remove(dir, { recursive: true });
    // Exactly the three opens of the target by the workload: not its other path, not the
    // copy's open of the same target, not any other process's openat.
    assert.deepEqual(
      events.map((
        e,
      ) => [e.name, e.workload?.process?.host_pid, findData(e, "pathname"), e.policies?.matched]),
      [0, 1, 2].map(() => ["openat", pids[0], target, ["workload-opens"]]),
    );
  },
);

/**
 * Tracee's events that tracepoints give, against the live kernel: cgroups made, joined and removed
 * (on the cgroup v2 hierarchy), a task renamed, and kernel modules where the kernel has them.
 */

import assert from "node:assert/strict";
import { bpfTest, readSystemFile, trace } from "./_bpf.ts";
import { type Event, findData } from "../lib/events/event.ts";
import { hasTracepoint } from "../lib/bpf/loader.ts";
import { KernelSourceError, openKernelSource } from "../lib/source/bpf.ts";

/** Where cgroup v2 is mounted: /sys/fs/cgroup itself, or /sys/fs/cgroup/unified beside v1. */
async function cgroup2(): Promise<string> {
  for (const dir of ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"]) {
    if (await readSystemFile(`${dir}/cgroup.controllers`) !== undefined) return dir;
  }
  throw new Error("no cgroup v2 hierarchy at /sys/fs/cgroup or /sys/fs/cgroup/unified");
}

bpfTest(
  "bpf events: cgroup_mkdir, cgroup_attach_task and cgroup_rmdir of a cgroup the test makes",
  async () => {
    const root = await cgroup2();
    const name = `sluice-test-${crypto.randomUUID().slice(0, 8)}`;
    const dir = `${root}/${name}`;
    let id = 0;
    let pid = 0;
    const events = await trace(["cgroup_mkdir", "cgroup_attach_task", "cgroup_rmdir"], async () => {
      // In a shell: sluice never reports its own process, the test's.
      const script = `mkdir ${dir}; stat -c %i ${dir}; sleep 0.2 & p=$!; echo $p > ${dir}/cgroup.procs; ` +
        `echo $p; wait; rmdir ${dir}`;
      const output = await new Deno.Command("/bin/sh", { args: ["-c", script], stdout: "piped" }).output();
      [id, pid] = new TextDecoder().decode(output.stdout).trim().split("\n").map(Number);
    });
    const mine = (n: string) =>
      events.filter((e: Event) => e.name === n && String(findData(e, "cgroup_path")).endsWith(name));
    const [made] = mine("cgroup_mkdir");
    assert(made, "no cgroup_mkdir of the test's cgroup");
    assert.deepEqual(made.data, [
      { name: "cgroup_id", u_int64: String(id) },
      { name: "cgroup_path", str: `/${name}` },
      { name: "hierarchy_id", u_int32: 0 },
    ]);
    const [joined] = mine("cgroup_attach_task");
    assert(joined, "no cgroup_attach_task into the test's cgroup");
    assert.deepEqual(joined.data, [
      { name: "cgroup_path", str: `/${name}` },
      { name: "comm", str: "sleep" },
      { name: "pid", int32: pid },
    ]);
    const [removed] = mine("cgroup_rmdir");
    assert(removed, "no cgroup_rmdir of the test's cgroup");
    assert.equal(findData(removed, "cgroup_id"), String(id));
  },
);

bpfTest("bpf events: task_rename carries the old and the new name", async () => {
  let pid = 0;
  const events = await trace(["task_rename"], async () => {
    const child = new Deno.Command("/bin/sh", { args: ["-c", "echo -n renamed-sh > /proc/self/comm"] })
      .spawn();
    pid = child.pid;
    await child.status;
  });
  // exec renames a task too: the shell's own rename is the one to renamed-sh.
  const renamed = events.find((e) =>
    e.workload?.process?.host_pid === pid && findData(e, "new_name") === "renamed-sh"
  );
  assert(renamed, "no task_rename from the shell");
  assert.deepEqual(renamed.data, [{ name: "old_name", str: "sh" }, { name: "new_name", str: "renamed-sh" }]);
});

bpfTest(
  "bpf events: module_load and module_free start where the kernel has their tracepoints, else say why",
  async () => {
    for (const name of ["module_load", "module_free"]) {
      if (hasTracepoint(name)) {
        const source = await openKernelSource({ events: new Set([name]) });
        source.stop();
        continue;
      }
      await assert.rejects(
        () => openKernelSource({ events: new Set([name]) }),
        (error: Error) =>
          error instanceof KernelSourceError &&
          error.message === `sluice cannot trace ${name} on this kernel: it has no ${name} tracepoint ` +
              "(that takes a kernel built with CONFIG_MODULES)",
      );
    }
  },
);

bpfTest("bpf events: container_create and container_remove, derived from a container's cgroup", async () => {
  // Where Tracee looks for containers: the cpuset hierarchy on cgroup v1, else cgroup v2.
  const cpuset = /^cpuset\s+(\d+)/m.exec(await readSystemFile("/proc/cgroups") ?? "");
  const root = cpuset !== null && cpuset[1] !== "0" ? "/sys/fs/cgroup/cpuset" : await cgroup2();
  const id = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, "0"))
    .join("");
  const dir = `${root}/docker-${id}.scope`;
  const events = await trace(["container_create", "container_remove"], async () => {
    await new Deno.Command("/bin/sh", { args: ["-c", `mkdir ${dir} && rmdir ${dir}`] }).output();
  });
  const mine = events.filter((e) => findData(e, "container_id") === id);
  assert.deepEqual(mine.map((e) => e.name), ["container_create", "container_remove"]);
  const [created, removed] = mine;
  const ctime = BigInt(findData(created, "ctime") as string);
  const at = BigInt(Date.parse(created.timestamp)) * 1_000_000n;
  assert(
    ctime >= at && ctime < at + 1_000_000n,
    `ctime ${ctime} is not the mkdir's time ${created.timestamp}`,
  );
  assert.deepEqual(created.data?.map((d) => d.name), [
    "runtime",
    "container_id",
    "ctime",
    "container_image",
    "container_image_digest",
    "container_name",
    "pod_name",
    "pod_namespace",
    "pod_uid",
    "pod_sandbox",
  ]);
  assert.equal(findData(created, "runtime"), "docker");
  assert.equal(findData(created, "container_image"), "");
  assert.deepEqual(removed.data, [{ name: "runtime", str: "docker" }, { name: "container_id", str: id }]);
  assert.equal(
    events.filter((e) => e.name.startsWith("cgroup_")).length,
    0,
    "cgroup events were not asked for",
  );
});

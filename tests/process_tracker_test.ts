import assert from "node:assert/strict";
import type { ProcReader } from "../lib/bpf/procfs.ts";
import { type Event, KERNEL_CONTEXT } from "../lib/events/event.ts";
import { containerFromCgroup, processTracker } from "../lib/source/process_tracker.ts";

const ID = "0123456789abcdef".repeat(4);

/** /proc as a table of cgroup texts by pid, counting reads. */
function proc(cgroups: Record<number, string>): ProcReader & { reads: number } {
  const reader = {
    reads: 0,
    readText(path: string) {
      reader.reads++;
      return cgroups[Number(path.split("/")[2])];
    },
  };
  return reader;
}

function event(name: string, hostPid: number, cgroupId: number, data: Event["data"] = []): Event {
  const e: Event = { timestamp: "", id: 0, name, workload: { process: { host_pid: hostPid } }, data };
  e[KERNEL_CONTEXT] = { cgroup_id: cgroupId, mount_ns: 0, pid_ns: 0 };
  return e;
}

Deno.test("process tracker: container ids named by cgroup paths", () => {
  assert.equal(containerFromCgroup(`0::/system.slice/docker-${ID}.scope\n`), ID);
  assert.equal(containerFromCgroup(`12:memory:/docker/${ID}\n0::/\n`), ID);
  assert.equal(containerFromCgroup(`0::/kubepods/burstable/pod1/cri-containerd-${ID}.scope\n`), ID);
  assert.equal(containerFromCgroup("0::/user.slice/user-1000.slice/session-2.scope\n"), undefined);
});

Deno.test("process tracker: one /proc read per cgroup; a shared workload is looked up once", () => {
  const reader = proc({ 10: `0::/docker-${ID}.scope\n`, 11: "0::/user.slice\n" });
  const tracker = processTracker(reader);
  const a = event("openat", 10, 7);
  const b = event("openat", 12, 7);
  const c = event("openat", 11, 8);
  const d: Event = { ...event("openat", 11, 8), workload: c.workload };
  tracker.track([a, b, c, d]);
  assert.deepEqual(a.workload?.container, { id: ID });
  assert.deepEqual(b.workload?.container, { id: ID });
  assert.equal(c.workload?.container, undefined);
  assert.equal(reader.reads, 2);
});

Deno.test("process tracker: on a cgroup v1 host a fork's child inherits its parent's container", () => {
  const reader = proc({ 20: `12:memory:/docker/${ID}\n0::/\n` });
  const tracker = processTracker(reader);
  const fork = event("sched_process_fork", 20, 1, [{ name: "child_tid", int32: 21 }, {
    name: "child_pid",
    int32: 21,
  }]);
  tracker.track([fork]);
  const child = event("openat", 21, 1);
  tracker.track([child]);
  assert.deepEqual(child.workload?.container, { id: ID });
  assert.equal(reader.reads, 1);
  tracker.track([event("sched_process_exit", 21, 1, [{ name: "process_group_exit", bool: true }])]);
  tracker.track([event("openat", 21, 1)]);
  assert.equal(reader.reads, 2);
});

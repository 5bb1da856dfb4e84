/**
 * The step between the kernel source's decoder and the policies that keeps per-process state: the
 * container a process runs in, named by its cgroup path in /proc and followed through fork and
 * exit. (The executable's path comes from the kernel with every record.)
 *
 * @module
 */

import type { ProcReader } from "../bpf/procfs.ts";
import { type Event, findData, KERNEL_CONTEXT } from "../events/event.ts";
import { containerOfCgroupPath } from "./cgroup_path.ts";

const CACHE_LIMIT = 65536;

/** The container id named by a /proc/PID/cgroup text, or `undefined`. */
export function containerFromCgroup(text: string): string | undefined {
  for (const line of text.split("\n")) {
    const found = containerOfCgroupPath(line.slice(line.indexOf(":", line.indexOf(":") + 1) + 1));
    if (found !== undefined) return found.id;
  }
  return undefined;
}

function bounded<K, V>(map: Map<K, V>): Map<K, V> {
  if (map.size >= CACHE_LIMIT) map.clear();
  return map;
}

/** Sets `workload.container` on kernel events and keeps the state that takes in step with fork and exit. */
export interface ProcessTracker {
  /** Adds what the kernel records do not carry to each event of `batch`, in place. */
  track(batch: readonly Event[]): void;
}

/** A {@link ProcessTracker} reading /proc once per cgroup (or per process on a cgroup v1 host). */
export function processTracker(proc: ProcReader): ProcessTracker {
  const byCgroup = new Map<number, string | null>();
  const byPid = new Map<number, string | null>();
  // Consecutive events of a thread share their workload object: each is looked up once.
  const settled = new WeakSet<object>();

  const container = (cgroupId: number, hostPid: number): string | undefined => {
    const known = byCgroup.get(cgroupId) ?? byPid.get(hostPid);
    if (known !== undefined) return known ?? undefined;
    const text = proc.readText(`/proc/${hostPid}/cgroup`);
    if (text === undefined) {
      // Gone already: remember that, a failed read costs far more than an event.
      bounded(byPid).set(hostPid, null);
      return undefined;
    }
    const id = containerFromCgroup(text) ?? null;
    // With cgroup v2 the cgroup id decides; on a v1-only host every task shares the v2 root.
    const unified = /^0::(.*)$/m.exec(text);
    if (unified && unified[1] !== "/") bounded(byCgroup).set(cgroupId, id);
    else bounded(byPid).set(hostPid, id);
    return id ?? undefined;
  };

  const follow = (event: Event, hostPid: number) => {
    if (event.name === "sched_process_fork") {
      const child = findData(event, "child_pid") as number;
      const known = byPid.get(hostPid);
      if (child === findData(event, "child_tid") && known !== undefined) bounded(byPid).set(child, known);
    } else if (event.name === "sched_process_exit" && findData(event, "process_group_exit") === true) {
      byPid.delete(hostPid);
    }
  };

  return {
    track(batch) {
      for (const event of batch) {
        const kernel = event[KERNEL_CONTEXT];
        const process = event.workload?.process;
        if (kernel === undefined || process?.host_pid === undefined) continue;
        const workload = event.workload!;
        if (!settled.has(workload)) {
          settled.add(workload);
          const id = container(kernel.cgroup_id, process.host_pid);
          if (id !== undefined) workload.container = { id };
        }
        follow(event, process.host_pid);
      }
    },
  };
}

/**
 * What kernel records do not carry, found in /proc and cached: a process's executable and the
 * container its cgroup path names.
 *
 * @module
 */

import type { ProcReader } from "../bpf/procfs.ts";
import type { ProcessLookup } from "../events/decode.ts";

const CACHE_LIMIT = 65536;
/** A container id: 64 hex digits as the last cgroup path component (`docker-<id>.scope`, `<id>`, `cri-containerd-<id>.scope`). */
const CONTAINER_ID = /(?:^|[/-])([0-9a-f]{64})(?:\.scope)?$/;

/** The container id named by a /proc/PID/cgroup text, or `undefined`. */
export function containerFromCgroup(text: string): string | undefined {
  for (const line of text.split("\n")) {
    const path = line.slice(line.indexOf(":", line.indexOf(":") + 1) + 1);
    for (const part of path.split("/").reverse()) {
      const match = CONTAINER_ID.exec(part);
      if (match) return match[1];
    }
  }
  return undefined;
}

function bounded<K, V>(map: Map<K, V>): Map<K, V> {
  if (map.size >= CACHE_LIMIT) map.clear();
  return map;
}

/** A {@link ProcessLookup} reading /proc once per process (executable) or cgroup (container). */
export function procLookup(proc: ProcReader): ProcessLookup {
  const executables = new Map<number, string | null>();
  const byCgroup = new Map<number, string | null>();
  const byPid = new Map<number, string | null>();
  return {
    executable(hostPid) {
      let path = executables.get(hostPid);
      if (path === undefined) {
        path = proc.readLink(`/proc/${hostPid}/exe`) ?? null;
        bounded(executables).set(hostPid, path);
      }
      return path ?? undefined;
    },
    container(cgroupId, hostPid) {
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
    },
    exec(hostPid, path) {
      bounded(executables).set(hostPid, path);
    },
    fork(parentHostPid, childHostPid) {
      const path = executables.get(parentHostPid);
      if (path) bounded(executables).set(childHostPid, path);
      const container = byPid.get(parentHostPid);
      if (container !== undefined) bounded(byPid).set(childHostPid, container);
    },
    exit(hostPid) {
      executables.delete(hostPid);
      byPid.delete(hostPid);
    },
  };
}

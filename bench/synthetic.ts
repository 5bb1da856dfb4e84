/**
 * Synthetic but realistically shaped Tracee events for benchmarks: a mix of exec,
 * fork, exit, openat and connect events with full workload context.
 *
 * @module
 */

import type { DataField, Event } from "../lib/events/event.ts";

const COMMS = ["bash", "sshd", "systemd", "curl", "python3", "nginx", "cron", "containerd"];
const PATHS = ["/etc/passwd", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/proc/self/status", "/tmp/build/out.o"];

function data(kind: number, i: number): { id: number; name: string; data: DataField[] } {
  switch (kind) {
    case 0:
      return {
        id: 715,
        name: "sched_process_exec",
        data: [
          { name: "cmdpath", str: "/usr/bin/curl" },
          { name: "pathname", str: "/usr/bin/curl" },
          { name: "argv", str_array: { value: ["curl", "-s", `https://example.test/${i}`] } },
          { name: "inode", u_int64: String(1_000_000 + i) },
        ],
      };
    case 1:
      return {
        id: 714,
        name: "sched_process_fork",
        data: [
          { name: "parent_pid", int32: 2000 + i },
          { name: "child_pid", int32: 3000 + i },
          { name: "child_tid", int32: 3000 + i },
        ],
      };
    case 2:
      return {
        id: 716,
        name: "sched_process_exit",
        data: [{ name: "exit_code", int64: String(i % 3) }, { name: "process_group_exit", bool: true }],
      };
    case 3:
      return {
        id: 257,
        name: "openat",
        data: [
          { name: "dirfd", int32: -100 },
          { name: "pathname", str: PATHS[i % PATHS.length] },
          { name: "flags", int32: 524288 },
          { name: "mode", u_int32: 0 },
        ],
      };
    default:
      return {
        id: 42,
        name: "connect",
        data: [
          { name: "sockfd", int32: 3 },
          { name: "addr", sockaddr: { sa_family: "AF_INET", sin_addr: "10.0.0.7", sin_port: 443 } },
        ],
      };
  }
}

/** `count` distinct events with increasing timestamps. */
export function syntheticEvents(count: number): Event[] {
  const base = Date.UTC(2026, 10, 28, 12, 0, 0);
  return Array.from({ length: count }, (_, i) => {
    const { id, name, data: fields } = data(i % 5, i);
    const pid = 2000 + (i % 500);
    return {
      timestamp: new Date(base + i).toISOString().replace("Z", `${String(i % 1000).padStart(3, "0")}456Z`),
      id,
      name,
      policies: { matched: ["default"] },
      workload: {
        process: {
          executable: { path: "/usr/bin/" + COMMS[i % COMMS.length] },
          unique_id: 100_000 + pid,
          host_pid: pid,
          pid,
          real_user: { id: i % 7 === 0 ? 0 : 1000 },
          thread: {
            start_time: new Date(base - 60_000).toISOString(),
            name: COMMS[i % COMMS.length],
            unique_id: 100_000 + pid,
            host_tid: pid,
            tid: pid,
            syscall: name === "openat" || name === "connect" ? name : "execve",
          },
          ancestors: [{ host_pid: 1, pid: 1 }],
        },
      },
      data: fields,
    };
  });
}

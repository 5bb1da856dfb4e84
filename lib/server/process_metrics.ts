/**
 * Process metrics under their standard Prometheus names: resident memory, CPU seconds, open
 * file descriptors and start time.
 *
 * Deno refuses its own file APIs anywhere under /proc without `--allow-all`, so open file
 * descriptors are counted through libc's readdir.
 *
 * @module
 */

import process from "node:process";
import { cText, osLibc } from "../os/libc.ts";
import type { MetricFamily } from "./exposition.ts";

/** The entries of /proc/self/fd, less the one the listing itself holds; undefined without FFI. */
export function openFileDescriptors(): number | undefined {
  let libc;
  try {
    libc = osLibc();
  } catch {
    return undefined;
  }
  const dir = libc.opendir(cText("/proc/self/fd"));
  if (dir === null) return undefined;
  let entries = 0;
  try {
    while (libc.readdir(dir) !== null) entries++;
  } finally {
    libc.closedir(dir);
  }
  // ".", ".." and the descriptor opendir itself opened.
  return entries - 3;
}

/** The process metric families, read now. */
export function processFamilies(): MetricFamily[] {
  const cpu = process.cpuUsage();
  const families: MetricFamily[] = [
    {
      name: "process_cpu_seconds_total",
      help: "User and system CPU time spent, in seconds.",
      type: "counter",
      samples: [{ value: (cpu.user + cpu.system) / 1e6 }],
    },
    {
      name: "process_resident_memory_bytes",
      help: "Resident memory size in bytes.",
      type: "gauge",
      samples: [{ value: Deno.memoryUsage().rss }],
    },
    {
      name: "process_start_time_seconds",
      help: "Start time of the process since the Unix epoch, in seconds.",
      type: "gauge",
      samples: [{ value: Math.round(performance.timeOrigin) / 1000 }],
    },
  ];
  const fds = openFileDescriptors();
  if (fds !== undefined) {
    families.push({
      name: "process_open_fds",
      help: "Number of open file descriptors.",
      type: "gauge",
      samples: [{ value: fds }],
    });
  }
  return families;
}

import assert from "node:assert/strict";
import { openLibraries } from "../lib/bpf/libbpf.ts";
import { procReader } from "../lib/bpf/procfs.ts";

// The test task grants the same explicit permissions as the start task (no --allow-all),
// under which Deno's own APIs refuse /proc: these reads must still work.
Deno.test("procReader reads /proc files through libc", () => {
  const proc = procReader(openLibraries().libc);
  assert.match(proc.readText(`/proc/${Deno.pid}/cgroup`) ?? "", /^\d+:[^:]*:\//m);
  assert.match(proc.readText(`/proc/${Deno.pid}/status`) ?? "", new RegExp(`^Pid:\\s+${Deno.pid}$`, "m"));
});

Deno.test("procReader answers undefined for a process that does not exist", () => {
  const proc = procReader(openLibraries().libc);
  assert.equal(proc.readText("/proc/999999999/cgroup"), undefined);
});

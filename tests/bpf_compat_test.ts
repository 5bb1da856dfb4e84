/**
 * 32-bit (compat) syscalls on the live kernel: a 64-bit process running as uid 65534 makes i386
 * syscalls through int $0x80, which used to dodge every syscall event. They are traced as the
 * x86_64 events Tracee reports them as, with `thread.compat`.
 */

import assert from "node:assert/strict";
import { asNobody, bpfTest, NOBODY, trace } from "./_bpf.ts";
import { buildWorkload } from "../bench/workload.ts";
import { type Event, findData } from "../lib/events/event.ts";

bpfTest("bpf compat: i386 open, nanosleep and execve through int $0x80 are traced as x86_64's", async () => {
  const workload = await buildWorkload();
  const marker = crypto.randomUUID();
  const missing = `/tmp/sluice-compat-${marker}`;
  let result = { pid: 0, stdout: "" };
  const events = await trace(["open", "nanosleep", "execve", "sched_process_exec"], async () => {
    result = await asNobody(workload, ["int80", "/etc/hostname", missing, "/bin/echo", marker]);
  });
  const [fd, slept, failed, echoed] = result.stdout.split("\n");
  assert.deepEqual([slept, failed, echoed], ["0", "-2", marker]);
  const mine = events.filter((e) => e.workload?.process?.host_pid === result.pid);
  const one = (name: string, match: (e: Event) => boolean) => {
    const found = mine.filter((e) => e.name === name && match(e));
    assert.equal(found.length, 1, `${name} events: ${found.length}`);
    const event = found[0];
    assert.equal(event.workload?.process?.real_user?.id, NOBODY);
    assert.equal(event.workload?.process?.thread?.syscall, name);
    assert.equal(event.truncated, undefined);
    return event;
  };
  const open = one("open", (e) => findData(e, "pathname") === "/etc/hostname");
  assert.equal(open.workload?.process?.thread?.compat, true);
  assert.equal(findData(open, "flags"), 0);
  assert.equal(findData(open, "returnValue"), fd);
  // i386's nanosleep takes a 32-bit timespec: {0, 1000}, not one 64-bit word of both.
  const sleep = one("nanosleep", () => true);
  assert.equal(sleep.workload?.process?.thread?.compat, true);
  assert.deepEqual(findData(sleep, "req"), { value: 0.000001 });
  const missed = one("execve", (e) => findData(e, "pathname") === missing);
  assert.equal(missed.workload?.process?.thread?.compat, true);
  assert.deepEqual((findData(missed, "argv") as { value: string[] }).value, [missing, marker]);
  assert.equal(findData(missed, "returnValue"), "-2");
  // A compat exec of a 64-bit program returns as i386's execve, in 64-bit mode.
  const ran = one("execve", (e) => findData(e, "pathname") === "/bin/echo");
  assert.deepEqual((findData(ran, "argv") as { value: string[] }).value, ["/bin/echo", marker]);
  assert.equal(findData(ran, "returnValue"), "0");
  const exec = mine.find((e) => e.name === "sched_process_exec" && findData(e, "cmdpath") === "/bin/echo");
  assert.equal(exec?.workload?.process?.thread?.syscall, "execve");
});

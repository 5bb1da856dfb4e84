import assert from "node:assert/strict";
import { compatEntries, TIME32_SYSCALLS } from "../lib/bpf/compat_table.ts";
import { TRACEE_COMPAT_SYSCALLS } from "../lib/events/tracee_compat.ts";
import { eventByName } from "../lib/events/catalog.ts";
import { COMPAT_TIME32 } from "../lib/bpf/layout.ts";

Deno.test("compat table: every i386 syscall with an x86_64 twin, the 32-bit timespecs marked", () => {
  const entries = new Map(compatEntries());
  assert.equal(entries.get(5), eventByName("open")!.syscall! + 1);
  assert.equal(entries.get(11), eventByName("execve")!.syscall! + 1);
  assert.equal(entries.get(162), ((eventByName("nanosleep")!.syscall! + 1) | COMPAT_TIME32) >>> 0);
  assert.equal(entries.has(102), false, "socketcall has no x86_64 twin");
  for (const [i386, name, event] of TRACEE_COMPAT_SYSCALLS) {
    const definition = eventByName(event);
    if (definition?.syscall === undefined) continue;
    assert(entries.has(i386), name);
    // A timespec argument is 64-bit for the *_time64 calls and those born after them.
    if (definition.fields.some((f) => f.decode === "timespec")) {
      assert(
        TIME32_SYSCALLS.has(name) || name.endsWith("time64") || name === "epoll_pwait2",
        `i386 ${name}: which timespec?`,
      );
    }
  }
});

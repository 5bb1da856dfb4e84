import assert from "node:assert/strict";
import { gateNumbers } from "../lib/bpf/syscall_gate.ts";
import { compatEntries } from "../lib/bpf/compat_table.ts";
import { eventByName } from "../lib/events/catalog.ts";

const nr = (name: string) => eventByName(name)!.syscall!;

Deno.test("syscall gate: a traced syscall opens its own number and its i386 twins', nothing else", () => {
  const open = gateNumbers([nr("open"), nr("nanosleep")], compatEntries());
  // x86_64 open is 2, i386 open 5; nanosleep 35 and 162 (its i386 entry is marked 32-bit time).
  assert.deepEqual([...open].sort((a, b) => a - b), [2, 5, 35, 162]);
});

Deno.test("syscall gate: every traced syscall is open in the mode it is made in", () => {
  const compat = compatEntries();
  const traced = [nr("execve"), nr("execveat"), nr("openat"), nr("ptrace")];
  const open = gateNumbers(traced, compat);
  for (const native of traced) assert(open.has(native), `x86_64 ${native}`);
  const twins = compat.filter(([, twin]) => traced.includes(((twin << 1) >>> 1) - 1));
  assert(twins.length >= 3, "i386 has execve, execveat and openat");
  for (const [i386] of twins) assert(open.has(i386), `i386 ${i386}`);
  assert.equal(gateNumbers([], compat).size, 0);
});

/**
 * The syscall gate: the raw syscall numbers sys_enter and sys_exit look at further, in either mode.
 * Every syscall of every task runs those programs once anything is traced; a number the gate leaves
 * closed costs them one array load, without reading the task (its mode, its descriptor).
 *
 * @module
 */

import { COMPAT_TIME32 } from "./layout.ts";

/**
 * The raw numbers to open for the traced x86_64 syscalls `traced`: each one's own, and each i386
 * number whose x86_64 twin is traced (`compat`: the compat table's
 * [i386 number, twin + 1] pairs, lib/bpf/compat_table.ts). A number opened for
 * one mode is opened for both: the gate may only let through more than is traced.
 */
export function gateNumbers(traced: Iterable<number>, compat: readonly [number, number][]): Set<number> {
  const open = new Set(traced);
  const natives = new Set(open);
  for (const [i386, twin] of compat) {
    if (natives.has(((twin & ~COMPAT_TIME32) >>> 0) - 1)) open.add(i386);
  }
  return open;
}

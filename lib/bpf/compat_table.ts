/**
 * The kernel's compat table: each i386 syscall Tracee traces on x86_64, by its i386 number, mapped
 * to the x86_64 syscall whose event it is reported as (Tracee's id32Bit). i386 syscalls whose
 * event has no x86_64 number (socketcall, ipc, the 16-bit uid calls, the 32-bit time calls, ...)
 * are left out: sluice does not trace them.
 *
 * @module
 */

import { eventByName } from "../events/catalog.ts";
import { TRACEE_COMPAT_SYSCALLS } from "../events/tracee_compat.ts";
import { COMPAT_SLOTS, COMPAT_TIME32 } from "./layout.ts";

/**
 * The i386 syscalls Tracee maps to an x86_64 event whose timespec argument is 64-bit while theirs
 * is `old_timespec32`; every other mapped one with a timespec is a `*_time64` call or newer.
 */
export const TIME32_SYSCALLS: ReadonlySet<string> = new Set(["nanosleep", "io_getevents"]);

/** The table's entries: [i386 number, x86_64 number + 1, with {@link COMPAT_TIME32} where it applies]. */
export function compatEntries(): [number, number][] {
  const entries: [number, number][] = [];
  for (const [i386, name, event] of TRACEE_COMPAT_SYSCALLS) {
    const native = eventByName(event)?.syscall;
    if (native === undefined) continue;
    if (i386 >= COMPAT_SLOTS) throw new Error(`i386 syscall ${name} (${i386}) is past COMPAT_SLOTS`);
    entries.push([i386, ((native + 1) | (TIME32_SYSCALLS.has(name) ? COMPAT_TIME32 : 0)) >>> 0]);
  }
  return entries;
}

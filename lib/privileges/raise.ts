/**
 * Capabilities held in reserve: kept permitted on the main thread but not in effect, and
 * raised only around the synchronous work that needs them (Tracee's "specific" ring).
 *
 * Deno runs a synchronous file operation (`Deno.openSync`, `Deno.lstatSync`) on the calling
 * thread and an asynchronous one on a pool thread that has no capabilities. So raising a
 * capability on the main thread for the length of a synchronous function gives it to exactly
 * the system calls that function makes, and to no other thread or moment.
 *
 * @module
 */

import { log } from "../log.ts";
import { errnoText, lastErrno, reachableLibc } from "../os/libc.ts";
import { capabilityNames } from "./capabilities.ts";
import { PrivilegeError, readCapabilities, setCapabilities } from "./drop.ts";

/**
 * Runs `work` (synchronous: nothing it starts may outlive it) with those of `set` that the
 * calling thread holds in reserve raised, then lowers them again, whatever `work` does. Without
 * libc (no FFI granted, so nothing was dropped) it just runs `work`.
 */
export function withCapabilities<T>(set: bigint, work: () => T): T {
  const libc = reachableLibc();
  if (libc === undefined) return work();
  const before = readCapabilities(libc);
  const raise = set & before.permitted & ~before.effective;
  if (raise === 0n) return work();
  if (!setCapabilities(libc, { ...before, effective: before.effective | raise })) {
    throw new PrivilegeError(`cannot raise ${capabilityNames(raise)} (${errnoText(libc, lastErrno(libc))})`);
  }
  try {
    return work();
  } finally {
    if (!setCapabilities(libc, before)) {
      // Running on with them in effect would be worse than stopping; it cannot happen short of a kernel bug.
      log.error(
        `cannot lower ${capabilityNames(raise)} again (${errnoText(libc, lastErrno(libc))}): stopping`,
      );
      Deno.exit(1);
    }
  }
}

/**
 * Least privilege for a run: once the source is open (eBPF programs loaded and attached, a
 * recording opened), sluice keeps only the capabilities its running pipeline uses and leaves
 * root. `--capabilities` adjusts the kept set or bypasses the drop, as in Tracee.
 *
 * @module
 */

import { log } from "../log.ts";
import { osLibc } from "../os/libc.ts";
import { capabilityBit, capabilityNames } from "./capabilities.ts";
import { bpfCallsNeedCapability, dropPrivileges, readCapabilities } from "./drop.ts";
import type { CapabilitySettings } from "./flags.ts";

export { type CapabilitySettings, DEFAULT_CAPABILITY_SETTINGS, parseCapabilityFlags } from "./flags.ts";
export { PrivilegeError } from "./drop.ts";

/** A capability the running pipeline still uses, and what for. */
export interface Need {
  capability: string;
  why: string;
}

const bit = (need: Need): bigint => capabilityBit(need.capability)!;

/** What tracing the kernel needs after attach; `bpfGated`: see {@link bpfCallsNeedCapability}. */
export function kernelNeeds(bpfGated: boolean): Need[] {
  const needs = [{
    capability: "cap_sys_ptrace",
    why: "reading /proc/PID/exe for executable paths (as uid 65534, sluice reads no other user's without it)",
  }];
  if (bpfGated) {
    needs.push({
      capability: "cap_bpf",
      why: "reading the kernel's lost-records counter (this kernel gates bpf())",
    });
  }
  return needs;
}

/**
 * Drops what the run no longer needs (`kernel`: it traces the live kernel). Prints one debug line
 * with what was kept and why; warns when only the main thread could drop. Throws
 * {@link PrivilegeError} when the drop fails.
 */
export function restrictPrivileges(settings: CapabilitySettings, context: { kernel: boolean }): void {
  if (settings.bypass) {
    log.debug("capabilities: every capability kept (--capabilities bypass=true)");
    return;
  }
  let libc;
  try {
    libc = osLibc();
  } catch (error) {
    log.debug(`capabilities: not dropped, libc is not reachable (${(error as Error).message})`);
    return;
  }
  const { permitted } = readCapabilities(libc);
  if (permitted === 0n) {
    log.debug("capabilities: none to drop");
    return;
  }
  const wanted = (context.kernel ? kernelNeeds(bpfCallsNeedCapability(libc)) : [])
    .filter((need) => (settings.drop & bit(need)) === 0n);
  for (const need of wanted.filter((n) => (permitted & bit(n)) === 0n)) {
    const flag = need.capability.replace(/^cap_/, "").toUpperCase();
    log.warn(
      `capabilities: ${need.capability} is not available, so sluice goes without ${need.why} (grant it; containers: --cap-add ${flag})`,
    );
  }
  const keep = wanted.reduce((set, need) => set | bit(need), settings.add & ~settings.drop);
  const result = dropPrivileges(keep, libc);
  const reasons = wanted.filter((n) => (result.kept & bit(n)) !== 0n).map((n) => `${n.capability}: ${n.why}`);
  log.debug(
    `capabilities: running as uid ${result.uid} with ${capabilityNames(result.kept)}` +
      (reasons.length > 0 ? ` (${reasons.join("; ")})` : ""),
  );
  if (!result.allThreads) {
    log.warn(
      "capabilities: dropped on sluice's main thread only; without cap_setuid and cap_setgid sluice " +
        "cannot leave its user, so Deno's other threads keep theirs",
    );
  }
}

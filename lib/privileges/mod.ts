/**
 * Least privilege for a run: once the source is open (eBPF programs loaded and attached, a
 * recording opened), sluice keeps only the capabilities its running pipeline uses and leaves
 * root. What it needs all the time stays in effect; what only reopening a file destination
 * needs is held in reserve and raised just for that (see `raise.ts`). `--capabilities` adjusts
 * the kept set or bypasses the drop, as in Tracee.
 *
 * @module
 */

import { log } from "../log.ts";
import { osLibc } from "../os/libc.ts";
import { capabilityBit, capabilityNames } from "./capabilities.ts";
import { bpfCallsNeedCapability, dropPrivileges, readCapabilities } from "./drop.ts";
import type { CapabilitySettings } from "./flags.ts";
import { withCapabilities } from "./raise.ts";

export { type CapabilitySettings, DEFAULT_CAPABILITY_SETTINGS, parseCapabilityFlags } from "./flags.ts";
export { PrivilegeError } from "./drop.ts";

/** A capability the running pipeline still uses, and what for. */
export interface Need {
  capability: string;
  why: string;
}

const bit = (need: Need): bigint => capabilityBit(need.capability)!;

/**
 * What tracing the kernel needs after attach; `bpfGated`: see {@link bpfCallsNeedCapability}.
 * Nothing else: executable paths come from the kernel, and the /proc files still read
 * (`/proc/PID/cgroup`, `/proc/cgroups`) are readable by every user.
 */
export function kernelNeeds(bpfGated: boolean): Need[] {
  if (!bpfGated) return [];
  return [{
    capability: "cap_bpf",
    why: "reading the kernel's lost-records counter (this kernel gates bpf())",
  }];
}

/** What reopening a file destination needs: kept in reserve, raised only while it reopens. */
export const FILE_NEEDS: readonly Need[] = [
  {
    capability: "cap_dac_override",
    why:
      "creating the new file after logrotate's rename in a folder only root may write, or opening the one " +
      "logrotate created",
  },
  { capability: "cap_chown", why: "giving the new file to the rotated file's owner and group" },
];

/** Runs `work` (synchronous) with what reopening a file needs raised on this thread; see {@link FILE_NEEDS}. */
export function withFileCapabilities<T>(work: () => T): T {
  return withCapabilities(setOf(FILE_NEEDS), work);
}

const setOf = (needs: readonly Need[]): bigint => needs.reduce((set, need) => set | bit(need), 0n);

/** What the run does after the drop, which decides what is kept. */
export interface RunContext {
  /** It traces the live kernel (rather than replaying a recording). */
  kernel: boolean;
  /** A file destination writes to a regular file, which SIGHUP reopens. */
  reopensFiles: boolean;
}

const explain = (needs: readonly Need[], kept: bigint): string =>
  needs.filter((n) => (kept & bit(n)) !== 0n).map((n) => `${n.capability}: ${n.why}`).join("; ");

/**
 * Drops what the run no longer needs. Prints one debug line with what was kept and why; warns
 * when only the main thread could drop. Throws {@link PrivilegeError} when the drop fails.
 */
export function restrictPrivileges(settings: CapabilitySettings, context: RunContext): void {
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
  const wanted = (needs: readonly Need[]) => needs.filter((need) => (settings.drop & bit(need)) === 0n);
  const always = wanted(context.kernel ? kernelNeeds(bpfCallsNeedCapability(libc)) : []);
  const reserve = wanted(context.reopensFiles ? FILE_NEEDS : []);
  for (const need of [...always, ...reserve].filter((n) => (permitted & bit(n)) === 0n)) {
    const flag = need.capability.replace(/^cap_/, "").toUpperCase();
    log.warn(
      `capabilities: ${need.capability} is not available, so sluice goes without ${need.why} (grant it; containers: --cap-add ${flag})`,
    );
  }
  const effective = setOf(always) | (settings.add & ~settings.drop);
  const result = dropPrivileges({ effective, onDemand: setOf(reserve) }, libc);
  const reasons = explain(always, result.effective);
  const reserved = result.onDemand === 0n
    ? ""
    : `; raised only to reopen a file: ${capabilityNames(result.onDemand)} (${
      explain(reserve, result.onDemand)
    })`;
  log.debug(
    `capabilities: running as uid ${result.uid} with ${capabilityNames(result.effective)}` +
      (reasons === "" ? "" : ` (${reasons})`) + reserved,
  );
  if (!result.allThreads) {
    log.warn(
      "capabilities: dropped on sluice's main thread only; without cap_setuid and cap_setgid sluice " +
        "cannot leave its user, so Deno's other threads keep theirs",
    );
  }
}

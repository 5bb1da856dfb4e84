/**
 * Linux capabilities by name and number, and capability sets as bit masks (`bigint`, bit N =
 * capability N), as /proc/PID/status prints them (`CapEff: 0000000000080000`).
 *
 * @module
 */

/** Capability names in number order (capability.h), without the `cap_` prefix. */
export const CAPABILITY_NAMES: readonly string[] = [
  "chown",
  "dac_override",
  "dac_read_search",
  "fowner",
  "fsetid",
  "kill",
  "setgid",
  "setuid",
  "setpcap",
  "linux_immutable",
  "net_bind_service",
  "net_broadcast",
  "net_admin",
  "net_raw",
  "ipc_lock",
  "ipc_owner",
  "sys_module",
  "sys_rawio",
  "sys_chroot",
  "sys_ptrace",
  "sys_pacct",
  "sys_admin",
  "sys_boot",
  "sys_nice",
  "sys_resource",
  "sys_time",
  "sys_tty_config",
  "mknod",
  "lease",
  "audit_write",
  "audit_control",
  "setfcap",
  "mac_override",
  "mac_admin",
  "syslog",
  "wake_alarm",
  "block_suspend",
  "audit_read",
  "perfmon",
  "bpf",
  "checkpoint_restore",
];

/** The bit of capability `name` (`cap_sys_ptrace`, `SYS_PTRACE` and `sys_ptrace` alike); undefined if unknown. */
export function capabilityBit(name: string): bigint | undefined {
  const index = CAPABILITY_NAMES.indexOf(name.toLowerCase().replace(/^cap_/, ""));
  return index < 0 ? undefined : 1n << BigInt(index);
}

/** The set of the named capabilities (every name must be known). */
export function capabilitySet(...names: string[]): bigint {
  let set = 0n;
  for (const name of names) {
    const bit = capabilityBit(name);
    if (bit === undefined) throw new Error(`unknown capability ${name}`);
    set |= bit;
  }
  return set;
}

/** `cap_a,cap_b` for a set (`none` when empty); unnamed bits print as their numbers. */
export function capabilityNames(set: bigint): string {
  const names: string[] = [];
  for (let bit = 0; set >> BigInt(bit) !== 0n; bit++) {
    if ((set >> BigInt(bit)) & 1n) names.push(`cap_${CAPABILITY_NAMES[bit] ?? bit}`);
  }
  return names.length === 0 ? "none" : names.join(",");
}

/** The capability sets of a /proc/PID/status (or task status) text. */
export interface StatusCapabilities {
  effective: bigint;
  permitted: bigint;
  inheritable: bigint;
  bounding: bigint;
  ambient: bigint;
}

/** Reads `CapEff`, `CapPrm`, `CapInh`, `CapBnd` and `CapAmb` from a status text. */
export function statusCapabilities(status: string): StatusCapabilities {
  const read = (key: string): bigint => {
    const match = new RegExp(`^${key}:\\s*([0-9a-f]+)$`, "m").exec(status);
    if (match === null) throw new Error(`no ${key} line in the status text`);
    return BigInt(`0x${match[1]}`);
  };
  return {
    effective: read("CapEff"),
    permitted: read("CapPrm"),
    inheritable: read("CapInh"),
    bounding: read("CapBnd"),
    ambient: read("CapAmb"),
  };
}

/**
 * The policies' kernel side: the part of their scopes the kernel can decide from a record's
 * header (uid, host pid, mount and pid namespace, comm) and the events each policy selects,
 * compiled into the contents of the BPF maps of bpf/filter.h. Records no policy wants then never
 * cross the ring buffer.
 *
 * The filter may only let through more than the policies want, never less: user space still
 * applies every policy in full. So a policy whose scope the kernel cannot follow (`follow`,
 * `tree=`, `pid=new`) passes every kind, and a kind with a range (`uid>1000`) or a pattern
 * (`comm=py*`) passes for that policy; the kinds it does not name pass as well.
 *
 * @module
 */

import type { Scope } from "./scope.ts";

/** The kinds of scope the kernel decides, by the name of their map (`scope_<kind>`). */
export const KERNEL_SCOPE_KINDS = ["uid", "pid", "mnt_ns", "pid_ns", "comm"] as const;

/** One kind of scope. */
export type KernelScopeKind = typeof KERNEL_SCOPE_KINDS[number];

/** The policies a value is listed for, as 64-bit masks (bit i: policy i). */
export interface ScopeBits {
  /** Listed with `=`. */
  eq: bigint;
  /** Listed with `!=`. */
  ne: bigint;
}

/** What the kernel filter's maps hold. */
export interface KernelFilter {
  /** Per kind: the policies that pass only the values listed for them with `=`. */
  listed: Record<KernelScopeKind, bigint>;
  /** Per kind: the values listed, numbers (comm: the process name). */
  values: Record<KernelScopeKind, Map<number | string, ScopeBits>>;
  /** The policies that select an event, by its name. */
  policiesOf(event: string): bigint;
}

/** A compiled policy, as far as the kernel filter needs it. */
export interface KernelPolicy {
  /** Its bit. */
  index: number;
  scope: Scope;
  /** Whether it selects the event called `name`. */
  selects(name: string): boolean;
}

/** The comm of a task holds 15 bytes: a longer or non-ASCII value is left to user space. */
function kernelComm(value: string): boolean {
  if (value.length === 0 || value.length > 15) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0 || c > 0x7f) return false;
  }
  return true;
}

function matcherOf(scope: Scope, kind: KernelScopeKind) {
  switch (kind) {
    case "uid":
      return scope.uid?.equalities();
    case "pid":
      return scope.pid?.equalities();
    case "mnt_ns":
      return scope.mntns?.equalities();
    case "pid_ns":
      return scope.pidns?.equalities();
    case "comm": {
      const sets = scope.comm?.equalities();
      const all = sets === undefined ? [] : [...sets.equal, ...sets.notEqual];
      return all.every(kernelComm) ? sets : undefined;
    }
  }
}

/** Whether the kernel can follow the scope at all: descendants and pid age are known only in user space. */
function followable(scope: Scope): boolean {
  return !scope.follow && scope.newPid === undefined && scope.treeIn.length + scope.treeOut.length === 0;
}

/** The kernel filter of `policies`. */
export function kernelFilterOf(policies: readonly KernelPolicy[]): KernelFilter {
  const listed = {} as Record<KernelScopeKind, bigint>;
  const values = {} as Record<KernelScopeKind, Map<number | string, ScopeBits>>;
  for (const kind of KERNEL_SCOPE_KINDS) {
    listed[kind] = 0n;
    values[kind] = new Map();
  }
  for (const policy of policies) {
    if (!followable(policy.scope)) continue;
    const bit = 1n << BigInt(policy.index);
    for (const kind of KERNEL_SCOPE_KINDS) {
      const sets = matcherOf(policy.scope, kind);
      if (sets === undefined) continue;
      const add = (value: number | string, key: keyof ScopeBits) => {
        const bits = values[kind].get(value) ?? { eq: 0n, ne: 0n };
        bits[key] |= bit;
        values[kind].set(value, bits);
      };
      if (sets.equal.length > 0) listed[kind] |= bit;
      for (const value of sets.equal) add(value, "eq");
      for (const value of sets.notEqual) add(value, "ne");
    }
  }
  return {
    listed,
    values,
    policiesOf(event) {
      let mask = 0n;
      for (const policy of policies) if (policy.selects(event)) mask |= 1n << BigInt(policy.index);
      return mask;
    },
  };
}

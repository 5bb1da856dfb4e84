/**
 * Process ancestry for `follow` and `tree=PID`, learnt from `sched_process_fork` events
 * (and, where an event carries them, its `ancestors`). Policy sets are bitmasks held as two
 * 32-bit halves (`lo` for policies 0-31, `hi` for 32-63).
 *
 * @module
 */

import type { Event } from "../events/event.ts";
import { dataFieldOf, hostPidOf } from "./fields.ts";

/** A set of policies: bit i of `lo` is policy i, bit i of `hi` is policy 32 + i. */
export interface Mask {
  lo: number;
  hi: number;
}

/** The fork event's name; follow and tree need it submitted by the kernel. */
export const FORK_EVENT = "sched_process_fork";
/** The exit event's name; seen exits free their pids. */
export const EXIT_EVENT = "sched_process_exit";

/** Which policies each known process is followed by or in the tree of. */
export class ProcessTracker {
  private readonly followed = new Map<number, Mask>();
  private readonly treeIn = new Map<number, Mask>();
  private readonly treeOut = new Map<number, Mask>();
  private readonly created = new Set<number>();

  /** `roots`: for each `tree=PID` / `tree!=PID`, the pid and the policy's bit. */
  constructor(roots: readonly { pid: number; mask: Mask; out: boolean }[]) {
    for (const root of roots) union(root.out ? this.treeOut : this.treeIn, root.pid, root.mask);
  }

  /** The policies that follow the event's process (inherited at fork). */
  followedBy(event: Event): Mask | undefined {
    const pid = hostPidOf(event);
    return pid === undefined ? undefined : this.followed.get(pid);
  }

  /** Policies with `tree=` roots the process descends from (or is). */
  inTreesOf(event: Event): Mask | undefined {
    return lookup(this.treeIn, event);
  }

  /** Policies with `tree!=` roots the process descends from (or is). */
  outTreesOf(event: Event): Mask | undefined {
    return lookup(this.treeOut, event);
  }

  /** The child of a fork event and its parent's host pid, or undefined for a new thread. */
  static forkPids(event: Event): { parent: number; child: number } | undefined {
    const child = numberOf(dataFieldOf(event, "child_pid", 6));
    const parent = numberOf(dataFieldOf(event, "parent_pid", 2)) ?? hostPidOf(event);
    if (child === undefined || parent === undefined || child === parent) return undefined;
    return { parent, child };
  }

  /** Whether the event's process was forked while sluice ran (`pid=new`). */
  isNew(event: Event): boolean {
    const pid = hostPidOf(event);
    return pid !== undefined && this.created.has(pid);
  }

  /** Records a fork: the child is new, inherits its parent's trees, and `follow` (policies following it). */
  fork(parent: number, child: number, follow: Mask): void {
    this.created.add(child);
    if ((follow.lo | follow.hi) !== 0) union(this.followed, child, follow);
    const inTrees = this.treeIn.get(parent);
    if (inTrees !== undefined) union(this.treeIn, child, inTrees);
    const outTrees = this.treeOut.get(parent);
    if (outTrees !== undefined) union(this.treeOut, child, outTrees);
  }

  /** Forgets a process that exited, so a reused pid starts clean. */
  exit(event: Event): void {
    const groupExit = dataFieldOf(event, "process_group_exit", 1)?.bool;
    const pid = hostPidOf(event);
    if (groupExit === false || pid === undefined) return;
    this.followed.delete(pid);
    this.created.delete(pid);
    this.treeIn.delete(pid);
    this.treeOut.delete(pid);
  }
}

function numberOf(field: { int32?: number; u_int32?: number } | undefined): number | undefined {
  return field?.int32 ?? field?.u_int32;
}

function union(map: Map<number, Mask>, pid: number, mask: Mask): void {
  const current = map.get(pid);
  if (current === undefined) map.set(pid, { lo: mask.lo, hi: mask.hi });
  else {
    current.lo |= mask.lo;
    current.hi |= mask.hi;
  }
}

function lookup(map: Map<number, Mask>, event: Event): Mask | undefined {
  if (map.size === 0) return undefined;
  const pid = hostPidOf(event);
  const own = pid === undefined ? undefined : map.get(pid);
  if (own !== undefined) return own;
  // Processes started before sluice have no fork record; their recorded ancestors may.
  const ancestors = event.workload?.process?.ancestors;
  if (ancestors === undefined) return undefined;
  for (const ancestor of ancestors) {
    const found = map.get(ancestor.host_pid ?? ancestor.pid ?? -1);
    if (found !== undefined) return found;
  }
  return undefined;
}

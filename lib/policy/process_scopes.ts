/**
 * The process-field part of every policy's scope, kept per process: a process keeps its
 * comm, executable, uid, container and namespaces between events (until it execs), so the checks run
 * once per distinct identity of a pid and later events only compare those fields.
 *
 * @module
 */

import { type Event, type EventWorkload, KERNEL_CONTEXT } from "../events/event.ts";
import { PASSED, type ScopeCheck } from "./scope_index.ts";

interface Known {
  comm: string | undefined;
  executable: string | undefined;
  uid: number | undefined;
  container: string | undefined;
  mntns: number | undefined;
  pidns: number | undefined;
  lo: number;
  hi: number;
}

/** Identities remembered per pid (a process that execs, or a reused pid, has a new one). */
const PER_PID = 4;
/** Pids remembered before the memory starts over. */
const MAX_PIDS = 16384;

/** All process-field checks as one {@link ScopeCheck}, remembered per process. */
export class ProcessScopes implements ScopeCheck {
  readonly filterLo: number;
  readonly filterHi: number;
  private readonly known = new Map<number, Known[]>();
  // Events are read-only, and the kernel source gives consecutive events of a thread one
  // shared workload object: the same object means the same answer, with no field to read.
  private lastWorkload: EventWorkload | undefined;
  private lastLo = 0;
  private lastHi = 0;

  /** `namespaces`: some check reads the namespace ids, so they are part of a process's identity. */
  constructor(private readonly checks: readonly ScopeCheck[], private readonly namespaces: boolean) {
    let lo = 0, hi = 0;
    for (const check of checks) {
      lo |= check.filterLo;
      hi |= check.filterHi;
    }
    this.filterLo = lo;
    this.filterHi = hi;
  }

  apply(event: Event): void {
    const workload = event.workload;
    if (workload !== undefined && workload === this.lastWorkload) {
      PASSED[0] = this.lastLo;
      PASSED[1] = this.lastHi;
      return;
    }
    this.identify(event);
    this.lastWorkload = workload;
    this.lastLo = PASSED[0];
    this.lastHi = PASSED[1];
  }

  private identify(event: Event): void {
    const process = event.workload?.process;
    const pid = process?.host_pid ?? process?.pid;
    const comm = process?.thread?.name;
    const executable = process?.executable?.path;
    const uid = process?.real_user?.id;
    const container = event.workload?.container?.id;
    const kernel = this.namespaces ? event[KERNEL_CONTEXT] : undefined;
    const mntns = kernel?.mount_ns;
    const pidns = kernel?.pid_ns;
    const list = pid === undefined ? undefined : this.known.get(pid);
    if (list !== undefined) {
      for (let i = 0; i < list.length; i++) {
        const k = list[i];
        if (
          k.comm === comm && k.executable === executable && k.uid === uid && k.container === container &&
          k.mntns === mntns && k.pidns === pidns
        ) {
          PASSED[0] = k.lo;
          PASSED[1] = k.hi;
          return;
        }
      }
    }
    let lo = -1, hi = -1;
    for (const check of this.checks) {
      check.apply(event);
      lo &= PASSED[0];
      hi &= PASSED[1];
    }
    if (pid !== undefined) {
      this.remember(pid, list, { comm, executable, uid, container, mntns, pidns, lo, hi });
    }
    PASSED[0] = lo;
    PASSED[1] = hi;
  }

  private remember(pid: number, list: Known[] | undefined, known: Known): void {
    if (list === undefined) {
      if (this.known.size >= MAX_PIDS) this.known.clear();
      this.known.set(pid, [known]);
    } else {
      if (list.length >= PER_PID) list.shift();
      list.push(known);
    }
  }
}

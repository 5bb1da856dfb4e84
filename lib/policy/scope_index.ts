/**
 * Scopes of many policies evaluated together, one field at a time: each check reads its
 * field once per event and yields the mask of policies the value satisfies. Exact `=`
 * values of all policies share one lookup (as Tracee's kernel filter maps do); globs,
 * ranges and negations are tested once per distinct filter, whatever the number of
 * policies sharing it. Matchers are plain data tested by one function each, so the hot
 * calls stay monomorphic.
 *
 * @module
 */

import type { Event } from "../events/event.ts";
import { commOf, containerIdOf, executableOf, hostPidOf, mountNsOf, pidNsOf, uidOf } from "./fields.ts";
import { matchString, type StringMatcher, type StringSpec } from "./expression.ts";
import { matchNumber, type NumberMatcher, type NumberSpec } from "./number_match.ts";
import type { Scope } from "./scope.ts";
import type { Mask, ProcessTracker } from "./tracker.ts";

/** A policy's scope and its bit. */
export interface ScopedPolicy {
  scope: Scope;
  bit: Mask;
}

/**
 * Where every check leaves its result: `[lo, hi]` of the policies that pass. Masks use all 32
 * bits, beyond V8's small integers; a typed array keeps them unboxed.
 */
export const PASSED = new Int32Array(2);

/** One field's check: after `apply(event)`, {@link PASSED} holds the policies that pass it. */
export interface ScopeCheck {
  /** The policies that filter on this field: when none is still in play, the check is skipped. */
  readonly filterLo: number;
  readonly filterHi: number;
  apply(event: Event): void;
}

/** Policies sharing one non-exact filter. */
interface Shared<S> {
  lo: number;
  hi: number;
  spec: S;
}

/** The policies each exact value lets through, by value. */
class ExactIndex<V> {
  private readonly keys: V[];
  private readonly masks: Mask[];
  private readonly map: Map<V, Mask> | undefined;

  constructor(exact: Map<V, Mask>) {
    // A few values are compared one by one (a string just parsed has no hash yet); many use the map.
    this.map = exact.size > 8 ? exact : undefined;
    this.keys = this.map === undefined ? [...exact.keys()] : [];
    this.masks = this.map === undefined ? [...exact.values()] : [];
  }

  find(value: V): Mask | undefined {
    if (this.map !== undefined) return this.map.get(value);
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === value) return this.masks[i];
    return undefined;
  }
}

const COMM = 0, EXECUTABLE = 1, CONTAINER_ID = 2, PID = 3, UID = 4, MNTNS = 5, PIDNS = 6;

/** One process field for every policy that filters on it. */
class FieldCheck implements ScopeCheck {
  constructor(
    private readonly field: number,
    readonly filterLo: number,
    readonly filterHi: number,
    private readonly exact: ExactIndex<string | number>,
    private readonly shared: Shared<StringSpec | NumberSpec>[],
  ) {}

  apply(event: Event): void {
    const field = this.field;
    const value = field === COMM
      ? commOf(event)
      : field === EXECUTABLE
      ? executableOf(event)
      : field === CONTAINER_ID
      ? containerIdOf(event)
      : field === PID
      ? hostPidOf(event)
      : field === UID
      ? uidOf(event)
      : field === MNTNS
      ? mountNsOf(event)
      : pidNsOf(event);
    let lo = ~this.filterLo;
    let hi = ~this.filterHi;
    if (value !== undefined) {
      const m = this.exact.find(value);
      if (m !== undefined) {
        lo |= m.lo;
        hi |= m.hi;
      }
      const shared = this.shared;
      for (let i = 0; i < shared.length; i++) {
        const s = shared[i];
        const passes = typeof value === "number"
          ? matchNumber(s.spec as NumberSpec, value)
          : matchString(s.spec as StringSpec, value);
        if (passes) {
          lo |= s.lo;
          hi |= s.hi;
        }
      }
    }
    PASSED[0] = lo;
    PASSED[1] = hi;
  }
}

class ContainerCheck implements ScopeCheck {
  constructor(readonly filterLo: number, readonly filterHi: number, private readonly inside: Mask) {}

  apply(event: Event): void {
    // A policy passes when the process is where it wants it: inside for `container`, else outside.
    const contained = containerIdOf(event) !== "";
    PASSED[0] = ~this.filterLo | (contained ? this.inside.lo : this.filterLo & ~this.inside.lo);
    PASSED[1] = ~this.filterHi | (contained ? this.inside.hi : this.filterHi & ~this.inside.hi);
  }
}

class NewPidCheck implements ScopeCheck {
  constructor(
    private readonly tracker: ProcessTracker,
    readonly filterLo: number,
    readonly filterHi: number,
    private readonly fresh: Mask,
  ) {}

  apply(event: Event): void {
    // A policy passes when the process is what it asks for: new for `pid=new`, else older.
    const isNew = this.tracker.isNew(event);
    PASSED[0] = ~this.filterLo | (isNew ? this.fresh.lo : this.filterLo & ~this.fresh.lo);
    PASSED[1] = ~this.filterHi | (isNew ? this.fresh.hi : this.filterHi & ~this.fresh.hi);
  }
}

class TreeCheck implements ScopeCheck {
  constructor(
    private readonly tracker: ProcessTracker,
    private readonly trees: Mask,
    readonly filterLo: number,
    readonly filterHi: number,
  ) {}

  apply(event: Event): void {
    const inside = this.tracker.inTreesOf(event);
    const outside = this.tracker.outTreesOf(event);
    PASSED[0] = (~this.trees.lo | (inside?.lo ?? 0)) & ~(outside?.lo ?? 0);
    PASSED[1] = (~this.trees.hi | (inside?.hi ?? 0)) & ~(outside?.hi ?? 0);
  }
}

function fieldCheck(
  policies: readonly ScopedPolicy[],
  field: number,
  pick: (scope: Scope) => (StringMatcher | NumberMatcher) | undefined,
): ScopeCheck | undefined {
  let filterLo = 0, filterHi = 0;
  const exact = new Map<string | number, Mask>();
  const shared = new Map<string, Shared<StringSpec | NumberSpec>>();
  const key = field >= PID ? Number : (text: string) => text;
  for (const { scope, bit } of policies) {
    const matcher = pick(scope);
    if (matcher === undefined) continue;
    filterLo |= bit.lo;
    filterHi |= bit.hi;
    if (matcher.exactOnly) {
      for (const text of matcher.exact) {
        const m = exact.get(key(text)) ?? { lo: 0, hi: 0 };
        m.lo |= bit.lo;
        m.hi |= bit.hi;
        exact.set(key(text), m);
      }
      continue;
    }
    const same = shared.get(matcher.key) ?? { lo: 0, hi: 0, spec: matcher.compiled() };
    same.lo |= bit.lo;
    same.hi |= bit.hi;
    shared.set(matcher.key, same);
  }
  if ((filterLo | filterHi) === 0) return undefined;
  return new FieldCheck(field, filterLo, filterHi, new ExactIndex(exact), [...shared.values()]);
}

function union(policies: readonly ScopedPolicy[], has: (scope: Scope) => boolean): Mask {
  const mask = { lo: 0, hi: 0 };
  for (const { scope, bit } of policies) {
    if (!has(scope)) continue;
    mask.lo |= bit.lo;
    mask.hi |= bit.hi;
  }
  return mask;
}

/**
 * The checks on the process's own fields (comm, pid, uid, executable, container): their
 * result depends on those fields alone, so it can be kept per process.
 */
export function processChecks(policies: readonly ScopedPolicy[]): ScopeCheck[] {
  const checks = [
    fieldCheck(policies, COMM, (s) => s.comm),
    fieldCheck(policies, PID, (s) => s.pid),
    fieldCheck(policies, UID, (s) => s.uid),
    fieldCheck(policies, EXECUTABLE, (s) => s.executable),
    fieldCheck(policies, CONTAINER_ID, (s) => s.containerId),
    fieldCheck(policies, MNTNS, (s) => s.mntns),
    fieldCheck(policies, PIDNS, (s) => s.pidns),
  ].filter((c): c is ScopeCheck => c !== undefined);
  const container = union(policies, (s) => s.container !== undefined);
  if ((container.lo | container.hi) !== 0) {
    checks.push(new ContainerCheck(container.lo, container.hi, union(policies, (s) => s.container === true)));
  }
  return checks;
}

/** The checks whose answers change with forks: `tree=`/`tree!=` and `pid=new`/`pid!=new`. */
export function forkChecks(policies: readonly ScopedPolicy[], tracker: ProcessTracker): ScopeCheck[] {
  const checks: ScopeCheck[] = [];
  const tree = treeCheck(policies, tracker);
  if (tree !== undefined) checks.push(tree);
  const aged = union(policies, (s) => s.newPid !== undefined);
  if ((aged.lo | aged.hi) !== 0) {
    checks.push(new NewPidCheck(tracker, aged.lo, aged.hi, union(policies, (s) => s.newPid === true)));
  }
  return checks;
}

function treeCheck(policies: readonly ScopedPolicy[], tracker: ProcessTracker): ScopeCheck | undefined {
  // One check covers tree= and tree!=: outside-tree bits only ever hold tree!= policies.
  const trees = union(policies, (s) => s.treeIn.length > 0);
  const anyTree = union(policies, (s) => s.treeIn.length + s.treeOut.length > 0);
  return (anyTree.lo | anyTree.hi) === 0 ? undefined : new TreeCheck(tracker, trees, anyTree.lo, anyTree.hi);
}

/**
 * Scopes of many policies evaluated together, one field at a time: each check reads its
 * field once per event and yields the mask of policies the value satisfies. Exact `=`
 * values of all policies share one map lookup (as Tracee's kernel filter maps do); globs,
 * ranges and negations are tested per policy.
 *
 * @module
 */

import type { Event } from "../events/event.ts";
import { commOf, containerIdOf, executableOf, hostPidOf, uidOf } from "./fields.ts";
import type { NumberMatcher, StringMatcher } from "./expression.ts";
import type { Scope } from "./scope.ts";
import type { Mask, ProcessTracker } from "./tracker.ts";

/** A policy's scope and its bit. */
export interface ScopedPolicy {
  scope: Scope;
  bit: Mask;
}

/** One field's check: after `apply(event)`, `lo`/`hi` hold the policies that pass it. */
export interface ScopeCheck {
  lo: number;
  hi: number;
  /** The policies that filter on this field: when none is still in play, the check is skipped. */
  readonly filterLo: number;
  readonly filterHi: number;
  apply(event: Event): void;
}

interface General<V> {
  lo: number;
  hi: number;
  test: (value: V) => boolean;
}

class FieldCheck<V> implements ScopeCheck {
  lo = 0;
  hi = 0;
  private readonly keys: V[];
  private readonly masks: Mask[];
  private readonly map: Map<V, Mask> | undefined;
  readonly filterLo: number;
  readonly filterHi: number;

  constructor(
    private readonly extract: (event: Event) => V | undefined,
    private readonly passLo: number,
    private readonly passHi: number,
    exact: Map<V, Mask>,
    private readonly general: General<V>[],
  ) {
    this.filterLo = ~passLo;
    this.filterHi = ~passHi;
    // A few exact values are compared one by one (see memberTest); many go through the map.
    this.map = exact.size > 8 ? exact : undefined;
    this.keys = this.map === undefined ? [...exact.keys()] : [];
    this.masks = this.map === undefined ? [...exact.values()] : [];
  }

  apply(event: Event): void {
    const value = this.extract(event);
    let lo = this.passLo;
    let hi = this.passHi;
    if (value !== undefined) {
      const m = this.map !== undefined ? this.map.get(value) : this.find(value);
      if (m !== undefined) {
        lo |= m.lo;
        hi |= m.hi;
      }
      const general = this.general;
      for (let i = 0; i < general.length; i++) {
        const g = general[i];
        if (g.test(value)) {
          lo |= g.lo;
          hi |= g.hi;
        }
      }
    }
    this.lo = lo;
    this.hi = hi;
  }

  private find(value: V): Mask | undefined {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === value) return this.masks[i];
    return undefined;
  }
}

class TreeCheck implements ScopeCheck {
  lo = 0;
  hi = 0;
  constructor(
    private readonly tracker: ProcessTracker,
    private readonly trees: Mask,
    readonly filterLo: number,
    readonly filterHi: number,
  ) {}

  apply(event: Event): void {
    const inside = this.tracker.inTreesOf(event);
    const outside = this.tracker.outTreesOf(event);
    this.lo = (~this.trees.lo | (inside?.lo ?? 0)) & ~(outside?.lo ?? 0);
    this.hi = (~this.trees.hi | (inside?.hi ?? 0)) & ~(outside?.hi ?? 0);
  }
}

type Matcher = StringMatcher | NumberMatcher;

function fieldCheck<V>(
  policies: readonly ScopedPolicy[],
  pick: (scope: Scope) => Matcher | undefined,
  extract: (event: Event) => V | undefined,
  key: (text: string) => V,
): ScopeCheck | undefined {
  let fLo = 0, fHi = 0;
  const exact = new Map<V, Mask>();
  const general: General<V>[] = [];
  const shared = new Map<string, General<V>>();
  for (const { scope, bit } of policies) {
    const matcher = pick(scope);
    if (matcher === undefined) continue;
    fLo |= bit.lo;
    fHi |= bit.hi;
    if (matcher.exactOnly) {
      for (const text of matcher.exact) {
        const m = exact.get(key(text)) ?? { lo: 0, hi: 0 };
        m.lo |= bit.lo;
        m.hi |= bit.hi;
        exact.set(key(text), m);
      }
    } else {
      // Policies with the same filter on this field share one test.
      const same = shared.get(matcher.key);
      if (same !== undefined) {
        same.lo |= bit.lo;
        same.hi |= bit.hi;
      } else {
        const entry = { lo: bit.lo, hi: bit.hi, test: matcher.test() as (value: V) => boolean };
        shared.set(matcher.key, entry);
        general.push(entry);
      }
    }
  }
  if ((fLo | fHi) === 0) return undefined;
  return new FieldCheck(extract, ~fLo, ~fHi, exact, general);
}

function containerCheck(policies: readonly ScopedPolicy[]): ScopeCheck | undefined {
  let fLo = 0, fHi = 0;
  const inside = { lo: 0, hi: 0, test: (id: string) => id !== "" };
  const outside = { lo: 0, hi: 0, test: (id: string) => id === "" };
  for (const { scope, bit } of policies) {
    if (scope.container === undefined) continue;
    fLo |= bit.lo;
    fHi |= bit.hi;
    const side = scope.container ? inside : outside;
    side.lo |= bit.lo;
    side.hi |= bit.hi;
  }
  const general = [inside, outside].filter((g) => (g.lo | g.hi) !== 0);
  if ((fLo | fHi) === 0) return undefined;
  return new FieldCheck(containerIdOf, ~fLo, ~fHi, new Map(), general);
}

const asText = (text: string): string => text;

/** The checks that decide which of `policies` have the event's process in scope. */
export function scopeChecks(policies: readonly ScopedPolicy[], tracker: ProcessTracker): ScopeCheck[] {
  const checks = [
    fieldCheck(policies, (s) => s.comm, commOf, asText),
    fieldCheck(policies, (s) => s.pid, hostPidOf, Number),
    fieldCheck(policies, (s) => s.uid, uidOf, Number),
    fieldCheck(policies, (s) => s.executable, executableOf, asText),
    fieldCheck(policies, (s) => s.containerId, containerIdOf, asText),
    containerCheck(policies),
  ].filter((c): c is ScopeCheck => c !== undefined);
  // One check covers tree= and tree!=: outside-tree bits only ever hold tree!= policies.
  const trees = { lo: 0, hi: 0 };
  const any = { lo: 0, hi: 0 };
  for (const { scope, bit } of policies) {
    if (scope.treeIn.length > 0) {
      trees.lo |= bit.lo;
      trees.hi |= bit.hi;
    }
    if (scope.treeIn.length + scope.treeOut.length > 0) {
      any.lo |= bit.lo;
      any.hi |= bit.hi;
    }
  }
  if ((any.lo | any.hi) !== 0) checks.push(new TreeCheck(tracker, trees, any.lo, any.hi));
  return checks;
}

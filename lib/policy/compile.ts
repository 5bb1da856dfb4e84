/**
 * Policy drafts compiled once into a {@link PolicySet}: per event name, the policies that
 * select it, the scope checks that concern them and the rule filters to run. Matching an
 * event is then a map lookup, a few field checks on 32-bit masks and the rule predicates
 * of policies still in play.
 *
 * @module
 */

import { eventByName, EVENTS, selectionProblem } from "../events/catalog.ts";
import type { Event } from "../events/event.ts";
import type { PolicyDraft } from "./draft.ts";
import type { PolicySet } from "./policy_set.ts";
import { compileRuleFilters, type EventTest } from "./rule_filters.ts";
import { parseScope } from "./scope.ts";
import { MatchedNames } from "./matched_names.ts";
import { ProcessScopes } from "./process_scopes.ts";
import { descendants } from "./procfs.ts";
import { forkChecks, PASSED, processChecks, type ScopeCheck, type ScopedPolicy } from "./scope_index.ts";
import { EXIT_EVENT, FORK_EVENT, type Mask, ProcessTracker } from "./tracker.ts";
import { type KernelFilter, kernelFilterOf } from "./kernel_filter.ts";

/** Tracee's limit: one bit per policy in a 64-bit mask. */
export const MAX_POLICIES = 64;

interface RuleCheck {
  lo: number;
  hi: number;
  test: EventTest;
}

/** What one event name needs: its policies, their scope checks, follow bits and rule filters. */
interface Entry {
  lo: number;
  hi: number;
  checks: ScopeCheck[];
  followLo: number;
  followHi: number;
  rules: RuleCheck[];
}

interface CompiledPolicy extends ScopedPolicy {
  name: string;
  rules: Map<string, EventTest | undefined>;
  allEventsExcept?: ReadonlySet<string>;
}

/** The mask with only policy `index` set. */
function bitOf(index: number): Mask {
  return index < 32 ? { lo: 1 << index, hi: 0 } : { lo: 0, hi: 1 << (index - 32) };
}

/**
 * Compiles `drafts` (in bit order); problems are appended to `problems` and nothing is
 * returned then. `parents` (pid -> ppid of the running host) puts existing descendants of
 * `tree=` roots in their trees.
 */
export function compilePolicies(
  drafts: readonly PolicyDraft[],
  problems: string[],
  parents: ReadonlyMap<number, number> = new Map(),
): PolicySet | undefined {
  if (drafts.length > MAX_POLICIES) {
    problems.push(`--policy: ${drafts.length} policies given; at most ${MAX_POLICIES} are allowed`);
  }
  const seen = new Map<string, string>();
  const shared = new Map<string, EventTest>();
  const policies = drafts.slice(0, MAX_POLICIES).map((draft, index): CompiledPolicy => {
    const first = seen.get(draft.name);
    if (first !== undefined) {
      problems.push(`${draft.where}: the name "${draft.name}" is already used (${first})`);
    } else seen.set(draft.name, draft.where);
    const rules = new Map<string, EventTest | undefined>();
    for (const rule of draft.rules) {
      const problem = selectionProblem(rule.event);
      if (problem !== undefined) {
        if (rule.event.trim() !== "") problems.push(`${rule.where}: ${problem}`);
        continue;
      }
      const definition = eventByName(rule.event)!;
      if (rules.has(rule.event)) continue;
      const test = compileRuleFilters(definition, rule.filters, problems);
      // Policies with the same filters on an event share one test, run once per event.
      const key = [rule.event, ...rule.filters.map((f) => f.text.trim()).sort()].join("\0");
      if (test !== undefined && !shared.has(key)) shared.set(key, test);
      rules.set(rule.event, test === undefined ? undefined : shared.get(key));
    }
    const scope = parseScope(draft.scope, problems);
    return { name: draft.name, bit: bitOf(index), scope, rules, allEventsExcept: draft.allEventsExcept };
  });
  return problems.length > 0 ? undefined : new CompiledPolicySet(policies, parents);
}

class CompiledPolicySet implements PolicySet {
  readonly names: readonly string[];
  readonly events: ReadonlySet<string> | undefined;
  readonly containerScoped: boolean;
  readonly kernelFilter: KernelFilter;
  private readonly dispatch = new Map<string, Entry>();
  private readonly anyEvent: Entry | undefined;
  /** Catalog names and their entries by event id: comparing a name is cheaper than hashing it. */
  private readonly nameById: string[] = [];
  private readonly entryById: (Entry | undefined)[] = [];
  private readonly tracker: ProcessTracker;
  private readonly processScopes: ProcessScopes;
  private readonly forkEntry: Entry | undefined;
  private readonly matchedNames: MatchedNames;
  private readonly forkId = eventByName(FORK_EVENT)?.id ?? -1;
  private readonly exitId = eventByName(EXIT_EVENT)?.id ?? -1;

  constructor(private readonly policies: readonly CompiledPolicy[], parents: ReadonlyMap<number, number>) {
    this.names = Object.freeze(policies.map((p) => p.name));
    this.containerScoped = policies.some((p) =>
      p.scope.container === true || p.scope.containerId !== undefined
    );
    this.matchedNames = new MatchedNames(this.names);
    this.kernelFilter = kernelFilterOf(
      policies.map((p, index) => ({ index, scope: p.scope, selects: (name: string) => selects(p, name) })),
    );
    this.processScopes = new ProcessScopes(
      processChecks(policies),
      policies.some((p) => p.scope.mntns !== undefined || p.scope.pidns !== undefined),
    );
    const root = (out: boolean, p: CompiledPolicy) => (pid: number) =>
      descendants(pid, parents).map((member) => ({ pid: member, mask: p.bit, out }));
    this.tracker = new ProcessTracker(policies.flatMap((p) => [
      ...p.scope.treeIn.flatMap(root(false, p)),
      ...p.scope.treeOut.flatMap(root(true, p)),
    ]));
    const named = new Set<string>();
    for (const p of policies) {
      for (const name of p.rules.keys()) named.add(name);
      for (const name of p.allEventsExcept ?? []) named.add(name);
    }
    for (const name of named) {
      this.dispatch.set(
        name,
        this.entry(policies.filter((p) => selects(p, name)), name),
      );
    }
    const everything = policies.filter((p) => p.allEventsExcept !== undefined);
    this.anyEvent = everything.length > 0 ? this.entry(everything, undefined) : undefined;
    for (const definition of EVENTS) {
      this.nameById[definition.id] = definition.name;
      this.entryById[definition.id] = this.dispatch.get(definition.name) ?? this.anyEvent;
    }
    const tracking = policies.filter((p) =>
      p.scope.follow || p.scope.newPid !== undefined || p.scope.treeIn.length + p.scope.treeOut.length > 0
    );
    const following = policies.filter((p) => p.scope.follow);
    this.forkEntry = tracking.length > 0 ? this.entry(following, undefined) : undefined;
    if (this.anyEvent !== undefined) this.events = undefined;
    else {
      const events = new Set(named);
      if (this.forkEntry !== undefined) events.add(FORK_EVENT);
      this.events = events;
    }
  }

  private entry(policies: readonly CompiledPolicy[], name: string | undefined): Entry {
    const entry: Entry = { lo: 0, hi: 0, checks: [], followLo: 0, followHi: 0, rules: [] };
    for (const p of policies) {
      entry.lo |= p.bit.lo;
      entry.hi |= p.bit.hi;
      if (p.scope.follow) {
        entry.followLo |= p.bit.lo;
        entry.followHi |= p.bit.hi;
      }
      const test = name === undefined ? undefined : p.rules.get(name);
      if (test === undefined) continue;
      const same = entry.rules.find((r) => r.test === test);
      if (same === undefined) entry.rules.push({ lo: p.bit.lo, hi: p.bit.hi, test });
      else {
        same.lo |= p.bit.lo;
        same.hi |= p.bit.hi;
      }
    }
    entry.checks = [this.processScopes, ...forkChecks(policies, this.tracker)].filter((c) =>
      ((c.filterLo & entry.lo) | (c.filterHi & entry.hi)) !== 0
    );
    return entry;
  }

  match(batch: Event[]): Event[] {
    const dispatch = this.dispatch;
    const anyEvent = this.anyEvent;
    const forkEntry = this.forkEntry;
    let kept = 0;
    for (let i = 0; i < batch.length; i++) {
      const event = batch[i];
      const name = event.name;
      if (forkEntry !== undefined) {
        if (event.id === this.forkId && name === FORK_EVENT) this.observeFork(event, forkEntry);
        else if (event.id === this.exitId && name === EXIT_EVENT) this.tracker.exit(event);
      }
      const id = event.id;
      const entry = this.nameById[id] === name ? this.entryById[id] : dispatch.get(name) ?? anyEvent;
      if (entry === undefined) continue;
      let lo = entry.lo;
      let hi = entry.hi;
      const checks = entry.checks;
      for (let c = 0; c < checks.length; c++) {
        const check = checks[c];
        if (((lo & check.filterLo) | (hi & check.filterHi)) === 0) continue;
        check.apply(event);
        lo &= PASSED[0];
        hi &= PASSED[1];
      }
      if ((entry.followLo | entry.followHi) !== 0) {
        const followed = this.tracker.followedBy(event);
        if (followed !== undefined) {
          lo |= followed.lo & entry.followLo;
          hi |= followed.hi & entry.followHi;
        }
      }
      if ((lo | hi) === 0) continue;
      const rules = entry.rules;
      for (let r = 0; r < rules.length; r++) {
        const rule = rules[r];
        if (((lo & rule.lo) | (hi & rule.hi)) !== 0 && !rule.test(event)) {
          lo &= ~rule.lo;
          hi &= ~rule.hi;
        }
      }
      if ((lo | hi) === 0) continue;
      event.policies = this.matchedNames.of(lo, hi);
      batch[kept++] = event;
    }
    batch.length = kept;
    return batch;
  }

  /** A fork: the child is followed by every follow policy whose scope holds the parent. */
  private observeFork(event: Event, entry: Entry): void {
    const pids = ProcessTracker.forkPids(event);
    if (pids === undefined) return;
    let lo = entry.lo;
    let hi = entry.hi;
    for (const check of entry.checks) {
      check.apply(event);
      lo &= PASSED[0];
      hi &= PASSED[1];
    }
    const followed = this.tracker.followedBy(event);
    if (followed !== undefined) {
      lo |= followed.lo & entry.followLo;
      hi |= followed.hi & entry.followHi;
    }
    this.tracker.fork(pids.parent, pids.child, { lo, hi });
  }
}

function selects(policy: CompiledPolicy, name: string): boolean {
  if (policy.rules.has(name)) return true;
  return policy.allEventsExcept !== undefined && !policy.allEventsExcept.has(name);
}

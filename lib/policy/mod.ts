/**
 * Tracee policies for sluice: `--policy` files, or one policy from `--scope`/`--events`,
 * or the implicit policy; checked whole, then compiled into a {@link PolicySet}.
 *
 * @module
 */

import { cliDraft } from "./cli.ts";
import { compilePolicies } from "./compile.ts";
import { ProblemsError } from "../problems.ts";
import type { PolicyDraft } from "./draft.ts";
import { policyFiles, readPolicyFile } from "./policy_file.ts";
import { readParents } from "./procfs.ts";
import type { PolicySet } from "./policy_set.ts";

export { DEFAULT_POLICY, type PolicySet } from "./policy_set.ts";

/** Bad policies or policy flags: every problem, one a line, naming file, policy and field. */
export class PolicyError extends ProblemsError {}

/** The policy flags as given on the command line. */
export interface PolicyInput {
  /** `--policy FILE|DIR`, repeatable. */
  policyPaths: string[];
  /** `--scope`/`-s`, repeatable. */
  scopes: string[];
  /** `--events`/`-e`, repeatable; each may be a comma list. */
  events: string[];
}

/** Settings that do not come from the policy flags. */
export interface PolicyOptions {
  /** The implicit policy's events; undefined selects every event (replaying a recording). */
  defaultEvents: readonly string[] | undefined;
  /**
   * Read this host's process tree from /proc at start, so `tree=PID` covers descendants
   * that already run (live tracing; leave it off when replaying a recording).
   */
  procfs?: boolean;
}

/** Loads, checks and compiles the policies `input` asks for; throws {@link PolicyError}. */
export async function loadPolicies(input: PolicyInput, options: PolicyOptions): Promise<PolicySet> {
  const problems: string[] = [];
  let drafts: PolicyDraft[];
  if (input.policyPaths.length > 0) {
    if (input.scopes.length > 0 || input.events.length > 0) {
      throw new PolicyError([
        "--policy cannot be combined with --scope or --events (as in Tracee): put the scope and events in a policy file",
      ]);
    }
    drafts = [];
    for (const file of await policyFiles(input.policyPaths, problems)) {
      drafts.push(...await readPolicyFile(file, problems));
    }
  } else {
    drafts = [cliDraft(input, options.defaultEvents, problems)];
  }
  const usesTree = drafts.some((d) => d.scope.some((s) => /^\s*tree\s*!?=/.test(s.text)));
  let parents = new Map<number, number>();
  if (options.procfs && usesTree) {
    try {
      parents = await readParents();
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const set = compilePolicies(drafts, problems, parents);
  if (set === undefined || problems.length > 0) throw new PolicyError(problems);
  return set;
}

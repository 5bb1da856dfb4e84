/**
 * A policy as read, before compiling: from a file or from `--scope`/`--events`. Every
 * entry keeps where it came from, so a problem found later names the file, the policy
 * and the field.
 *
 * @module
 */

import type { Located } from "./rule_filters.ts";

/** One rule: an event and its filters. */
export interface DraftRule {
  event: string;
  /** Where the rule's `event` came from, e.g. `a.yaml: policy "p": spec.rules[2].event`. */
  where: string;
  filters: Located[];
}

/** One policy, not yet compiled. */
export interface PolicyDraft {
  name: string;
  /** Where the policy came from, e.g. `a.yaml: policy "p"` or `--events`. */
  where: string;
  scope: Located[];
  rules: DraftRule[];
  /** When set, the policy selects every event name except these (rules then only add filters). */
  allEventsExcept?: ReadonlySet<string>;
}

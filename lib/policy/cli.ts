/**
 * The policy Tracee builds from `--scope`/`-s` and `--events`/`-e` (or, with none of them,
 * the implicit policy): one policy, named {@link DEFAULT_POLICY}.
 *
 * `--events` takes Tracee's forms: comma lists of names, `-name` to leave one out, `name*`
 * for every event starting so, `tag=SET[,SET]` for the events of Tracee's sets, and per-event filters `NAME.data.FIELD<op>VALUES`,
 * `NAME.args.FIELD...` (alias), `NAME.retval<op>N`, `NAME.scope.FIELD<op>VALUES` and
 * `NAME.scope.container`. A filter also selects its event.
 *
 * @module
 */

import { eventByName, eventNames, isTraceable, selectionProblem } from "../events/catalog.ts";
import { log } from "../log.ts";
import type { DraftRule, PolicyDraft } from "./draft.ts";
import { DEFAULT_POLICY } from "./policy_set.ts";
import { leftOutNotice, tagSelection } from "./sets.ts";

/**
 * The command-line policy. `defaultEvents` are traced when `events` names none
 * (undefined: every event).
 */
export function cliDraft(
  input: { scopes: readonly string[]; events: readonly string[] },
  defaultEvents: readonly string[] | undefined,
  problems: string[],
): PolicyDraft {
  const rules = new Map<string, DraftRule>();
  const excluded = new Set<string>();
  const ruleFor = (event: string, where: string): DraftRule => {
    let rule = rules.get(event);
    if (rule === undefined) {
      rule = { event, where, filters: [] };
      rules.set(event, rule);
    }
    return rule;
  };
  for (const flag of input.events) {
    const problem = addEventFlag(flag, ruleFor, excluded);
    if (problem !== undefined) problems.push(`--events ${flag}: ${problem}`);
  }
  // As in Tracee, the default events apply only when no flag selected an event; exclusions come last.
  const selected = rules.size > 0;
  for (const name of excluded) {
    if (eventByName(name) === undefined) problems.push(`--events -${name}: unknown event "${name}"`);
    rules.delete(name);
  }
  if (selected && rules.size === 0) {
    problems.push(`--events: every event the flags select is also excluded, so nothing would be traced`);
  }
  const draft: PolicyDraft = {
    name: DEFAULT_POLICY,
    where: input.events.length > 0 ? "--events" : "default events",
    scope: (input.scopes.length > 0 ? input.scopes : ["global"]).map((text) => ({ text, where: "--scope" })),
    rules: [...rules.values()],
  };
  if (selected) return draft;
  if (defaultEvents === undefined) return { ...draft, allEventsExcept: excluded };
  draft.rules = defaultEvents.filter((name) => !excluded.has(name)).map((event) => ({
    event,
    where: "default events",
    filters: [],
  }));
  return draft;
}

const padded = (text: string) => /^\s|\s$/.test(text);

function addEventFlag(
  flag: string,
  ruleFor: (event: string, where: string) => DraftRule,
  excluded: Set<string>,
): string | undefined {
  if (flag === "") return "the value is empty";
  const at = flag.search(/[=!<>]/);
  const selector = at < 0 ? flag : flag.slice(0, at);
  if (selector === "tag") return addTagFlag(flag, ruleFor);
  if (at < 0 && !flag.includes(".")) {
    for (const name of flag.split(",")) {
      if (name === "" || name === "-") return "has an empty event name";
      if (padded(name) || padded(name.replace(/^-/, ""))) return `remove the whitespace around "${name}"`;
      if (name.startsWith("-")) excluded.add(name.slice(1));
      else {
        const names = expand(name);
        if (typeof names === "string") return names;
        for (const event of names) ruleFor(event, `--events ${flag}`);
      }
    }
    return undefined;
  }
  const parts = selector.split(".");
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === "")) {
    return "expected NAME, NAME.data.FIELD<op>VALUE, NAME.retval<op>N or NAME.scope.FIELD<op>VALUE";
  }
  const spaced = parts.find(padded);
  if (spaced !== undefined) return `remove the whitespace around "${spaced}"`;
  const [event, kind, field] = parts;
  const rest = at < 0 ? "" : flag.slice(at);
  let filter: string;
  if (kind === "retval" && field === undefined) filter = "retval" + rest;
  else if (kind === "data" || kind === "args") {
    if (field === undefined) return "the data field's name is missing (NAME.data.FIELD<op>VALUE)";
    filter = `data.${field}${rest}`;
  } else if ((kind === "scope" || kind === "context") && field !== undefined) filter = field + rest;
  else return `"${kind}" is not a filter kind (use data, args, retval or scope)`;
  if (kind !== "scope" && kind !== "context" && rest === "") {
    return "the filter needs an operator and a value";
  }
  const names = expand(event);
  if (typeof names === "string") return names;
  for (const name of names) {
    ruleFor(name, `--events ${flag}`).filters.push({ text: filter, where: `--events ${flag}` });
  }
  return undefined;
}

/** `tag=SET[,SET]`: every event of the sets that sluice can trace; a notice names the ones left out. */
function addTagFlag(flag: string, ruleFor: (event: string, where: string) => DraftRule): string | undefined {
  const selection = tagSelection(flag);
  if (typeof selection === "string") return selection;
  for (const event of selection.events) ruleFor(event, `--events ${flag}`);
  for (const left of selection.leftOut) log.info(leftOutNotice(`--events ${flag}`, left));
  return undefined;
}

/** `name` (checked), or every event sluice can trace that starts with `prefix` for `prefix*`. */
function expand(name: string): string[] | string {
  if (!name.endsWith("*")) return selectionProblem(name) ?? [name];
  const prefix = name.slice(0, -1);
  const names = eventNames().filter((n) => n.startsWith(prefix) && isTraceable(eventByName(n)!));
  return names.length > 0 ? names : `no event sluice can trace starts with "${prefix}"`;
}

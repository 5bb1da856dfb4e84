/**
 * A policy's `scope:` entries (or `--scope` flags) parsed into one {@link Scope}: which
 * processes the policy watches. Every entry must hold (they are ANDed); `global` alone
 * watches the whole host.
 *
 * @module
 */

import { type Operator, parseExpression, StringMatcher } from "./expression.ts";
import { NumberMatcher } from "./number_match.ts";
import type { Located } from "./rule_filters.ts";

/** A parsed scope; absent fields do not restrict. */
export interface Scope {
  comm?: StringMatcher;
  executable?: StringMatcher;
  /** Compared with the host pid. */
  pid?: NumberMatcher;
  uid?: NumberMatcher;
  /** Namespace ids: only events from the kernel source carry them. */
  mntns?: NumberMatcher;
  pidns?: NumberMatcher;
  containerId?: StringMatcher;
  /** true: only processes in a container; false: only processes on the host. */
  container?: boolean;
  /** true: only processes forked while sluice runs (`pid=new`); false: only older ones (`pid!=new`). */
  newPid?: boolean;
  /** Descendants of a process in scope are in scope too (tracked from fork events). */
  follow: boolean;
  /** Host pids whose process trees are in scope (`tree=PID`). */
  treeIn: number[];
  /** Host pids whose process trees are out of scope (`tree!=PID`). */
  treeOut: number[];
}

/**
 * Parses `entries` as written: a policy file's entries have their spaces removed before
 * (as Tracee does), `--scope` values are taken whole, so whitespace around a value is an
 * error there. Problems are appended to `problems`, naming each entry's origin.
 */
export function parseScope(entries: readonly Located[], problems: string[]): Scope {
  const scope: Scope = { follow: false, treeIn: [], treeOut: [] };
  const globals = entries.filter((e) => e.text === "global");
  if (globals.length > 0 && entries.length > 1) {
    const where = (globals.length > 1 ? globals[1] : entries.find((e) => !globals.includes(e)))!.where;
    problems.push(`${where}: "global" must be the only scope entry (global scope must be unique)`);
  }
  for (const entry of entries) {
    if (entry.text === "global") continue;
    const problem = addEntry(scope, entry.text);
    if (problem !== undefined) problems.push(`${entry.where}: "${entry.text}": ${problem}`);
  }
  return scope;
}

function addEntry(scope: Scope, text: string): string | undefined {
  switch (text) {
    case "":
      return "the scope is empty";
    case "follow":
      scope.follow = true;
      return undefined;
    case "container":
      return setContainer(scope, true);
    case "not-container":
      return setContainer(scope, false);
    case "!container":
      return 'not a scope: "!" is not an operator here; use not-container';
  }
  if (/^\s|\s$/.test(text)) return "remove the whitespace around it";
  const parsed = parseExpression(text);
  if (typeof parsed === "string") return `invalid scope: ${parsed}`;
  const { name, op, values } = parsed;
  if (values.includes("new") && name === "container") {
    return '"container=new" is not supported by sluice (it does not track when containers started)';
  }
  if (values.includes("new") && name === "pid") return setNewPid(scope, op, values);
  switch (name) {
    case "comm":
      // The kernel keeps 15 characters of a process name (TASK_COMM_LEN); so does the filter.
      return (scope.comm ??= new StringMatcher()).add(
        op,
        values.map((v) => v.endsWith("*") ? v : v.slice(0, 15)),
      );
    case "exec":
    case "executable":
    case "bin":
    case "binary": {
      if (values.some((v) => /^\d+:/.test(v))) return "mount-namespace prefixes (NS:/path) are not supported";
      const paths = values.map((v) => v.replace(/^host:/, ""));
      return (scope.executable ??= new StringMatcher()).add(op, paths);
    }
    case "pid":
      return (scope.pid ??= new NumberMatcher("u_int32")).add(op, values);
    case "uid":
      return (scope.uid ??= new NumberMatcher("u_int32")).add(op, values);
    case "container":
      // Short ids (the 12 characters `docker ps` prints) select the full id they start.
      return (scope.containerId ??= new StringMatcher()).add(
        op,
        values.map((v) => v.endsWith("*") ? v : v + "*"),
      );
    case "tree":
      return addTree(scope, op, values);
    case "mntns":
    case "pidns":
      if (op !== "=" && op !== "!=") return `${name} takes = or !=, not "${op}"`;
      // The kernel numbers namespaces with 32 bits (ns_common.inum).
      return (scope[name] ??= new NumberMatcher("u_int32")).add(op, values);
  }
  if (name === "uts") return 'scope "uts" is not supported: sluice\'s events carry no UTS name';
  return `unknown scope "${name}" (known: global, comm, pid, uid, binary, executable, container, ` +
    "not-container, tree, follow, mntns, pidns)";
}

function setNewPid(scope: Scope, op: string, values: string[]): string | undefined {
  if (values.length > 1 || (op !== "=" && op !== "!=")) return 'use "pid=new" or "pid!=new" on their own';
  const fresh = op === "=";
  if (scope.newPid !== undefined && scope.newPid !== fresh) {
    return "pid=new and pid!=new together select nothing";
  }
  scope.newPid = fresh;
  return undefined;
}

function setContainer(scope: Scope, inside: boolean): string | undefined {
  if (scope.container !== undefined && scope.container !== inside) {
    return "container and not-container together select nothing";
  }
  scope.container = inside;
  return undefined;
}

function addTree(scope: Scope, op: Operator, values: string[]): string | undefined {
  if (op !== "=" && op !== "!=") return `tree takes = or !=, not "${op}"`;
  // The matcher checks each value is a pid (an integer in u_int32's range).
  const problem = new NumberMatcher("u_int32").add(op, values);
  if (problem !== undefined) return `tree needs pids: ${problem}`;
  for (const value of values) (op === "=" ? scope.treeIn : scope.treeOut).push(Number(value));
  return undefined;
}

// Test helpers for the policy stage: small events, policy files in a temp folder, problem lines.
import assert from "node:assert/strict";
import { eventByName } from "../lib/events/catalog.ts";
import type { DataField, Event } from "../lib/events/event.ts";
import { loadPolicies, PolicyError, type PolicyInput } from "../lib/policy/mod.ts";
import type { PolicySet } from "../lib/policy/policy_set.ts";

export interface EventSpec {
  comm?: string;
  pid?: number;
  nsPid?: number;
  uid?: number;
  exe?: string;
  container?: string;
  ppid?: number;
  data?: DataField[];
}

/** An event named `name` (its catalog id) from process `spec`. */
export function ev(name: string, spec: EventSpec = {}): Event {
  const pid = spec.pid ?? 1000;
  return {
    timestamp: "2026-11-28T12:00:00.000000000Z",
    id: eventByName(name)?.id ?? 9999,
    name,
    policies: { matched: ["recorded"] },
    workload: {
      process: {
        executable: { path: spec.exe ?? "/usr/bin/bash" },
        host_pid: pid,
        pid: spec.nsPid ?? pid,
        real_user: { id: spec.uid ?? 1000 },
        thread: { name: spec.comm ?? "bash", host_tid: pid, tid: spec.nsPid ?? pid },
        ancestors: spec.ppid === undefined ? undefined : [{ host_pid: spec.ppid, pid: spec.ppid }],
      },
      ...(spec.container === undefined ? {} : { container: { id: spec.container } }),
    },
    data: spec.data ?? [],
  };
}

/** An openat event for `pathname` (returning `retval`, when given). */
export function openat(pathname: string, spec: EventSpec = {}, retval?: number): Event {
  const data: DataField[] = [
    { name: "dirfd", int32: -100 },
    { name: "pathname", str: pathname },
    { name: "flags", int32: 0 },
    { name: "mode", u_int32: 0 },
  ];
  if (retval !== undefined) data.push({ name: "returnValue", int64: String(retval) });
  return ev("openat", { ...spec, data });
}

/** A fork of `child` by `parent` (the event comes from the parent). */
export function fork(parent: number, child: number, spec: EventSpec = {}): Event {
  return ev("sched_process_fork", {
    ...spec,
    pid: parent,
    data: [{ name: "parent_pid", int32: parent }, { name: "child_pid", int32: child }],
  });
}

/** A Tracee CRD policy file's text. */
export function policyYaml(
  name: string,
  scope: string[],
  rules: { event: string; filters?: string[] }[],
): string {
  return JSON.stringify({
    apiVersion: "tracee.aquasec.com/v1beta1",
    kind: "Policy",
    metadata: { name, annotations: { description: "test" } },
    spec: { scope, rules },
  });
}

/** A temp folder holding `files` (name -> text). */
export async function policyDir(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "sluice-policy-test-" });
  for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(`${dir}/${name}`, text);
  return dir;
}

/** Loads policies from one file with `text`. */
export async function fromYaml(text: string): Promise<PolicySet> {
  const dir = await policyDir({ "p.yaml": text });
  return await loadPolicies({ policyPaths: [`${dir}/p.yaml`], scopes: [], events: [] }, {
    defaultEvents: [],
  });
}

/** The problem lines loading `input` reports (fails when it loads). */
export async function problemsOf(
  input: Partial<PolicyInput>,
  defaultEvents: readonly string[] | undefined = undefined,
): Promise<string[]> {
  try {
    await loadPolicies({ policyPaths: [], scopes: [], events: [], ...input }, { defaultEvents });
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
  assert.fail("the policies loaded without a problem");
}

/** The matched policy names of each event `set` keeps from `events` (undefined: dropped). */
export function matched(set: PolicySet, events: Event[]): (string[] | undefined)[] {
  const kept = new Set(set.match([...events]));
  return events.map((e) => (kept.has(e) ? [...e.policies!.matched!] : undefined));
}

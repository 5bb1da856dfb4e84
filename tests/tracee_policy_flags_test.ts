// Tracee's own scope, event and policy flag test cases (fixtures/tracee/policy_flags.json) run against sluice.
import assert from "node:assert/strict";
import { parseExpression } from "../lib/policy/expression.ts";
import { cliDraft } from "../lib/policy/cli.ts";
import { loadPolicies, PolicyError } from "../lib/policy/mod.ts";

interface Fixture {
  expressions: { text: string; name?: string; op?: string; values?: string[]; error?: string }[];
  scopes: { scopes: string[]; error?: string }[];
  events: {
    events: string[];
    rules?: Record<string, string[]>;
    includes?: string[];
    without?: string[];
    error?: string;
  }[];
  policies: { case: string; scopes?: string[]; events?: string[]; error?: string }[];
}

const FIXTURE = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/tracee/policy_flags.json", import.meta.url)),
) as Fixture;
const DEFAULT_EVENTS = ["execve", "openat", "connect", "sched_process_exec"];

async function problems(input: { scopes?: string[]; events?: string[] }): Promise<string[]> {
  try {
    await loadPolicies(
      { policyPaths: [], scopes: input.scopes ?? [], events: input.events ?? [] },
      { defaultEvents: DEFAULT_EVENTS },
    );
    return [];
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
}

function expectProblem(found: string[], expected: string | undefined): void {
  if (expected === undefined) assert.deepEqual(found, []);
  else assert.ok(found.some((p) => p.includes(expected)), `expected "${expected}" in:\n${found.join("\n")}`);
}

for (const c of FIXTURE.expressions) {
  Deno.test(`tracee scope flag syntax: ${JSON.stringify(c.text)}`, () => {
    const parsed = parseExpression(c.text);
    if (c.error !== undefined) {
      assert.equal(typeof parsed, "string");
      assert.ok((parsed as string).includes(c.error), parsed as string);
    } else assert.deepEqual(parsed, { name: c.name, op: c.op, values: c.values });
  });
}

for (const c of FIXTURE.scopes) {
  Deno.test(`tracee scope flag: ${JSON.stringify(c.scopes)}`, async () => {
    expectProblem(await problems({ scopes: c.scopes }), c.error);
  });
}

for (const c of FIXTURE.events) {
  Deno.test(`tracee event flag: ${JSON.stringify(c.events)}`, async () => {
    const found = await problems({ events: c.events });
    expectProblem(found, c.error);
    if (c.error !== undefined) return;
    const draft = cliDraft({ scopes: [], events: c.events }, DEFAULT_EVENTS, []);
    const rules = Object.fromEntries(draft.rules.map((r) => [r.event, r.filters.map((f) => f.text)]));
    if (c.rules !== undefined) assert.deepEqual(rules, c.rules);
    for (const name of c.without ?? []) assert.ok(!(name in rules), `${name} should be left out`);
    for (const name of c.includes ?? []) assert.ok(name in rules, `${name} should be selected`);
  });
}

for (const c of FIXTURE.policies) {
  Deno.test(`tracee policy flags: ${c.case}`, async () => {
    expectProblem(await problems(c), c.error);
  });
}

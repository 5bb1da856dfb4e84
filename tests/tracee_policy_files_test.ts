// Tracee's own policy-file test cases (fixtures/tracee/policy_files.json) run against sluice.
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadPolicies, PolicyError } from "../lib/policy/mod.ts";

interface Case {
  case: string;
  yaml: string;
  file?: string;
  names?: string[];
  error?: string;
}

const { cases } = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/tracee/policy_files.json", import.meta.url)),
) as { cases: Case[] };

for (const c of cases) {
  Deno.test(`tracee policy file: ${c.case}`, async () => {
    const dir = await Deno.makeTempDir();
    const path = join(dir, c.file ?? "p.yaml");
    await Deno.writeTextFile(path, c.yaml);
    try {
      const set = await loadPolicies({ policyPaths: [path], scopes: [], events: [] }, {
        defaultEvents: undefined,
      });
      assert.equal(c.error, undefined, `expected a problem containing ${c.error}`);
      assert.deepEqual(set.names, c.names);
    } catch (error) {
      if (!(error instanceof PolicyError) || c.error === undefined) throw error;
      assert.ok(error.problems.some((p) => p.includes(c.error!)), error.problems.join("\n"));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

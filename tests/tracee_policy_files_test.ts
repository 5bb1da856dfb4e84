// Tracee's own policy-file test cases (fixtures/tracee/policy_files.json) run against sluice.
import assert from "node:assert/strict";
import { join } from "node:path";
import { eventByName } from "../lib/events/catalog.ts";
import { loadPolicies, PolicyError } from "../lib/policy/mod.ts";
import { makeEvent } from "./_events.ts";

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

Deno.test("a tag= rule selects the set's traceable events; a named rule keeps its filters", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "p.yaml");
  await Deno.writeTextFile(
    path,
    "type: policy\nname: p\nscope: [global]\nrules:\n  - event: tag=fs\n  - event: openat\n    filters: [data.pathname=/etc/*]\n",
  );
  const set = await loadPolicies({ policyPaths: [path], scopes: [], events: [] }, {
    defaultEvents: undefined,
  });
  assert.ok(set.events!.has("openat") && set.events!.has("unlinkat") && set.events!.size > 20);
  const openat = (pathname: string) => ({
    ...makeEvent(0, "openat"),
    id: eventByName("openat")!.id,
    data: [{ name: "pathname", str: pathname }],
  });
  assert.deepEqual(set.match([openat("/tmp/x"), openat("/etc/passwd")]).map((e) => e.data![0].str), [
    "/etc/passwd",
  ]);
  await Deno.remove(dir, { recursive: true });
});

// Tracee's own output-flag test cases (fixtures/tracee/output_flags.json) run against sluice.
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { ConfigError, type OutputConfig, resolveOutputConfig } from "../lib/config/mod.ts";

interface Case {
  case: string;
  flags: string[];
  streams?: Record<string, Record<string, string>[]>;
  sortEvents?: boolean;
  error?: string;
}

interface MapCase {
  case: string;
  output: Record<string, unknown>;
  flags: string[];
}

const FIXTURE = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/tracee/output_flags.json", import.meta.url)),
) as {
  prepare_output: Case[];
  map_form: MapCase[];
  config_file: { case: string; yaml: string; flags: string[] }[];
};
const POLICIES = { knownPolicies: ["policy1", "policy2"] };

type Outcome = { config: OutputConfig } | { problems: string[] };

function outcome(input: { flags: string[]; yaml?: { text: string; path: string } }): Outcome {
  try {
    return { config: resolveOutputConfig(input, POLICIES).config };
  } catch (error) {
    if (error instanceof ConfigError) return { problems: error.problems };
    throw error;
  }
}

/** Streams with their destinations' settings, as the fixture writes them. */
function streamsOf(config: OutputConfig): Record<string, Record<string, string>[]> {
  const byName = new Map(config.destinations.map((d) => [d.name, d]));
  return Object.fromEntries(config.streams.map((stream) => [
    stream.name,
    stream.destinations.map((name) => ({ ...byName.get(name)! }) as unknown as Record<string, string>),
  ]));
}

for (const c of FIXTURE.prepare_output) {
  Deno.test(`tracee output flags: ${c.case}`, () => {
    const result = outcome({ flags: c.flags });
    if (c.error !== undefined) {
      assert.ok("problems" in result, `expected a problem containing ${c.error}`);
      assert.ok(result.problems.some((p) => p.includes(c.error!)), result.problems.join("\n"));
      return;
    }
    assert.ok("config" in result, "problems" in result ? result.problems.join("\n") : "");
    assert.deepEqual(streamsOf(result.config), c.streams);
    assert.equal(result.config.sortEvents, c.sortEvents);
  });
}

for (const c of FIXTURE.map_form) {
  Deno.test(`tracee output config file form: ${c.case}`, () => {
    const yaml = { text: stringify({ output: c.output }), path: "/etc/tracee/config.yaml" };
    assert.deepEqual(outcome({ flags: [], yaml }), outcome({ flags: c.flags }));
    // The list form of the same file (a list of --output values) resolves the same too.
    const list = { text: stringify({ output: c.flags }), path: "/etc/tracee/config.yaml" };
    assert.deepEqual(outcome({ flags: [], yaml: list }), outcome({ flags: c.flags }));
  });
}

for (const c of FIXTURE.config_file) {
  Deno.test(`tracee config file: ${c.case}`, () => {
    const result = outcome({ flags: [], yaml: { text: c.yaml, path: "/etc/tracee/config.yaml" } });
    assert.ok("config" in result, "problems" in result ? result.problems.join("\n") : "");
    assert.deepEqual(result, outcome({ flags: c.flags }));
  });
}

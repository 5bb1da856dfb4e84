/**
 * The policy matching step alone: 1,000,000 replayed events (10,240 distinct synthetic
 * events as JSON lines, cycled, each batch parsed before it is matched) through 64 policy files with mixed scopes and
 * data filters, against one global policy (the implicit one) in the same process.
 *
 * @module
 */

import { cpuUsage } from "node:process";
import type { Event } from "../lib/events/event.ts";
import { loadPolicies } from "../lib/policy/mod.ts";
import type { PolicySet } from "../lib/policy/policy_set.ts";
import { syntheticEvents } from "./synthetic.ts";

const TOTAL = 1_000_000;
// The replay source's batch: one 64 KiB read, about 100 events of fixtures/events/recorded.jsonl.
const BATCH = 100;

const SCOPES = [
  ["global"],
  ["comm=bash"],
  ["comm=curl,python3,nginx"],
  ["uid>=1000"],
  ["uid=0", "not-container"],
  ["pid>=2100", "pid<2300"],
  ["binary=/usr/bin/sshd"],
  ["comm!=systemd,cron", "follow"],
  ["executable=/usr/bin/*"],
  ["tree=1"],
];

const RULES = [
  ["- event: sched_process_exec", "  filters: [data.pathname=/usr/bin/*]"],
  ["- event: openat", "  filters: [data.pathname=/etc/*]"],
  ["- event: openat", "  filters: ['data.pathname!=/proc/*,*.so.6', data.flags>0]"],
  ["- event: connect"],
  ["- event: sched_process_exit", "  filters: ['data.exit_code>0']"],
  ["- event: sched_process_fork", "  filters: [comm=bash]"],
  ["- event: openat", "  filters: [data.pathname=*status, uid!=0]"],
];

function policyYaml(i: number): string {
  const scope = SCOPES[i % SCOPES.length];
  const rules = [RULES[i % RULES.length], RULES[(i * 3 + 1) % RULES.length]];
  const events = new Set<string>();
  const lines = rules.filter((r) => {
    const fresh = !events.has(r[0]);
    events.add(r[0]);
    return fresh;
  }).flat();
  return [
    "apiVersion: tracee.aquasec.com/v1beta1",
    "kind: Policy",
    `metadata: { name: bench-${i} }`,
    "spec:",
    `  scope: [${scope.map((s) => `'${s}'`).join(", ")}]`,
    "  rules:",
    ...lines.map((l) => "    " + l),
  ].join("\n");
}

/** JSON lines in batches, as a replay source reads them. */
function recorded(batches: number): string[][] {
  const events = syntheticEvents(batches * BATCH);
  return Array.from(
    { length: batches },
    (_, b) => events.slice(b * BATCH, (b + 1) * BATCH).map((e) => JSON.stringify(e)),
  );
}

/**
 * Times `set.match` alone on each batch right after it is parsed, as in a replay: the
 * events are fresh (in cache) when the policy stage sees them.
 */
function run(set: PolicySet, lines: string[][]): { ms: number; matched: number } {
  let matched = 0;
  let ms = 0;
  for (let done = 0, b = 0; done < TOTAL; done += BATCH, b++) {
    const batch: Event[] = lines[b % lines.length].map((line) => JSON.parse(line));
    const start = cpuUsage();
    matched += set.match(batch).length;
    const used = cpuUsage(start);
    ms += (used.user + used.system) / 1000;
  }
  return { ms, matched };
}

const rate = (ms: number): string => Math.round(TOTAL / (ms / 1000)).toLocaleString("en-US");

/** Prints the matching rate of 64 mixed policies and of one global policy, and their ratio. */
export async function benchPolicies(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "sluice-bench-policies-" });
  try {
    for (let i = 0; i < 64; i++) await Deno.writeTextFile(`${dir}/p${i}.yaml`, policyYaml(i));
    const many = await loadPolicies({ policyPaths: [dir], scopes: [], events: [] }, {
      defaultEvents: undefined,
    });
    const one = await loadPolicies({ policyPaths: [], scopes: [], events: [] }, { defaultEvents: undefined });
    const events = recorded(100);
    // Best of three rounds each: this machine's neighbours make single rounds noisy.
    const best = (set: PolicySet) => [0, 1, 2].map(() => run(set, events)).sort((a, b) => a.ms - b.ms)[0];
    const base = best(one);
    const mixed = best(many);
    console.log(
      `policy match: 64 policies: ${rate(mixed.ms)} events/s (${mixed.matched.toLocaleString("en-US")} ` +
        `matched) | 1 global policy: ${rate(base.ms)} events/s | ratio ${(base.ms / mixed.ms).toFixed(2)}`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await benchPolicies();

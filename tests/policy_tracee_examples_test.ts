// Tracee's own example policies (examples/policies of Tracee 7c9ec9788ec5, in fixtures/tracee/policies):
// each loads, or fails only because it names events sluice states it cannot trace, with that reason.
import assert from "node:assert/strict";
import { parse } from "yaml";
import { detectorByName, eventByName } from "../lib/events/catalog.ts";
import { loadPolicies, PolicyError } from "../lib/policy/mod.ts";

const ROOT = `${import.meta.dirname}/../fixtures/tracee/policies`;
const DNS = ["net_packet_dns_request", "net_packet_dns_response"];

/** The events each failing example names that sluice cannot trace; every other example loads. */
const UNTRACEABLE: Record<string, string[]> = {
  "container_dns_events": DNS,
  "dig": DNS,
  "extend-default-policy": [
    "security_inode_unlink",
    "security_socket_connect",
    "security_socket_accept",
    "security_socket_bind",
    "security_sb_mount",
    "net_packet_icmp",
    "net_packet_icmpv6",
    ...DNS,
    "net_packet_http_request",
    "net_packet_http_response",
  ],
  "new_containers": ["security_file_open"],
  "new_pids": ["security_file_open"],
  "not_containers": ["anti_debugging"],
};
/** Problems that are not about events: sluice's deliberate limits of the policy grammar. */
const OTHER_PROBLEMS: Record<string, string[]> = {
  "new_containers": [
    '"container=new": "container=new" is not supported by sluice (it does not track when containers started)',
  ],
};

function examples(): string[] {
  const files: string[] = [];
  for (const format of ["json", "yaml"]) {
    for (const kind of ["k8s", "plain"]) {
      for (const entry of Deno.readDirSync(`${ROOT}/${format}/${kind}`)) {
        files.push(`${format}/${kind}/${entry.name}`);
      }
    }
  }
  return files.sort();
}

/** The events a policy file's rules name, in order. */
function ruleEvents(file: string): string[] {
  const doc = parse(Deno.readTextFileSync(`${ROOT}/${file}`));
  return (doc.spec ?? doc).rules.map((r: { event: string }) => r.event.trim());
}

/** What sluice says about an event it cannot trace, as the catalog has it. */
function reasonOf(event: string): string {
  const detector = detectorByName(event);
  if (detector !== undefined) {
    return `Tracee's detector ${detector.detector} makes it from ${
      detector.reads.join(", ")
    }, and sluice runs no detectors`;
  }
  const support = eventByName(event)?.support;
  assert.equal(support?.kind, "unsupported", event);
  return support.reason;
}

async function problemsOf(file: string): Promise<string[]> {
  try {
    await loadPolicies({ policyPaths: [`${ROOT}/${file}`], scopes: [], events: [] }, {
      defaultEvents: undefined,
      procfs: false,
    });
    return [];
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    return error.problems.map((p) => p.replace(/^.*?: policy "[^"]*": (spec\.)?/, ""));
  }
}

Deno.test("Tracee's 30 example policies: the ones naming only traceable events load", async () => {
  const files = examples();
  assert.equal(files.length, 30);
  const loaded: string[] = [];
  for (const file of files) if ((await problemsOf(file)).length === 0) loaded.push(file);
  assert.deepEqual(loaded, [
    "json/k8s/context_comm.json",
    "json/k8s/openat_data_pahtname.json",
    "json/k8s/pid_equal.json",
    "json/k8s/scope_comm.json",
    "json/k8s/uid_higher_than_or_equal_to_zero.json",
    "json/plain/scope_comm.json",
    "yaml/k8s/context_comm.yaml",
    "yaml/k8s/openat_data_pahtname.yaml",
    "yaml/k8s/pid_equal.yaml",
    "yaml/k8s/scope_comm.yaml",
    "yaml/k8s/uid_higher_than_or_equal_to_zero.yaml",
    "yaml/plain/scope_comm.yaml",
  ]);
});

Deno.test("Tracee's example policies: each failure names an event sluice cannot trace and why", async () => {
  for (const file of examples()) {
    const stem = file.replace(/^.*\//, "").replace(/\.(json|yaml)$/, "");
    const events = ruleEvents(file);
    // signature_events names only detector events, all of them untraceable.
    const untraceable = stem === "signature_events" ? events : UNTRACEABLE[stem] ?? [];
    if (stem === "signature_events") assert.ok(events.every((e) => detectorByName(e) !== undefined));
    const expected = untraceable.map((event) =>
      `rules[${events.indexOf(event)}].event: sluice cannot trace ${event}: ${reasonOf(event)}`
    );
    for (const other of OTHER_PROBLEMS[stem] ?? []) expected.push(`scope[0]: ${other}`);
    assert.deepEqual(await problemsOf(file), expected, file);
  }
});

import assert from "node:assert/strict";
import { eventProblem, MAX_EVENT_DEPTH } from "../lib/source/event_shape.ts";
import { makeEvent } from "./_events.ts";

const RECORDED = new URL("../fixtures/events/recorded.jsonl", import.meta.url);

/** A valid event with `change` applied to its JSON form. */
function variant(change: (event: Record<string, unknown>) => void): unknown {
  const event = JSON.parse(JSON.stringify(makeEvent(1)));
  change(event);
  return event;
}

const nested = (depth: number): unknown => JSON.parse("[".repeat(depth) + "]".repeat(depth));

Deno.test("every event sluice recorded on a live host has the shape", async () => {
  const lines = (await Deno.readTextFile(RECORDED)).trimEnd().split("\n");
  assert.ok(lines.length > 10_000);
  for (const [i, line] of lines.entries()) {
    assert.equal(eventProblem(JSON.parse(line)), undefined, `line ${i + 1}`);
  }
});

Deno.test("Tracee's own value forms pass: value null, empty arrays as {}, unknown value types, extra fields", () => {
  const event = variant((e) => {
    e.data = [
      { name: "unknown", value: null },
      { name: "argv", str_array: {} },
      { name: "cred", credentials: { uid: { value: 0 }, cap_effective: ["CAP_BPF"] } },
      { name: "addr", sockaddr: { sa_family: "AF_INET6", sin6_addr: "::1", sin6_port: 80 } },
      { name: "ptr", pointer: "140737488355328" },
      { name: "nothing" },
    ];
    e.threat = { description: "x", mitre: { tactic: { name: "y" } }, severity: 2 };
    e.workload = { ...e.workload as object, k8s: { pod: { labels: { app: "web" } } } };
  });
  assert.equal(eventProblem(event), undefined);
});

Deno.test("a line that decodes but is not an event names the field", () => {
  const cases: [unknown, string][] = [
    [variant((e) => e.data = [null]), "data[0]: expected an object with a name and a value, got null"],
    [variant((e) => e.data = [5]), "data[0]: expected an object with a name and a value, got a number"],
    [variant((e) => e.data = { name: "x" }), "data: expected a list, got an object"],
    [variant((e) => e.data = [{ name: 3, int32: 1 }]), "data[0].name: expected a name, got a number"],
    [
      variant((e) => e.data = [{ name: "a", int32: "5" }]),
      "data[0].int32: expected an integer from -2147483648 to 2147483647, got a string",
    ],
    [
      variant((e) => e.data = [{ name: "a", int32: 2 ** 40 }]),
      "data[0].int32: expected an integer from -2147483648 to 2147483647, got 1099511627776",
    ],
    [
      variant((e) => e.data = [{ name: "a", int64: 5 }]),
      "data[0].int64: expected a 64-bit integer as a decimal string, got a number",
    ],
    [
      variant((e) => e.data = [{ name: "a", u_int64: "-1" }]),
      "data[0].u_int64: expected an unsigned 64-bit integer as a decimal string, got a string",
    ],
    [
      variant((e) => e.data = [{ name: "a", str_array: { value: [1] } }]),
      "data[0].str_array.value[0]: expected a string, got a number",
    ],
    [
      variant((e) => e.data = [{ name: "a", str: "x", int32: 1 }]),
      "data[0]: holds two values (str and int32); expected one",
    ],
    [
      variant((e) => (e.workload as { process: { pid: unknown } }).process.pid = "1"),
      "workload.process.pid: expected an integer from -2147483648 to 2147483647, got a string",
    ],
    [variant((e) => e.policies = { matched: "x" }), "policies.matched: expected a list, got a string"],
    [variant((e) => e.id = 1.5), "id: expected an integer from 0 to 4294967295, got 1.5"],
    [variant((e) => e.timestamp = "yesterday"), 'timestamp: expected an RFC 3339 time, got "yesterday"'],
    [variant((e) => e.name = ""), 'no "name"'],
    [[1], "not a JSON object (a list)"],
    [null, "not a JSON object (null)"],
  ];
  for (const [value, problem] of cases) assert.equal(eventProblem(value), problem);
});

Deno.test("nesting is bounded wherever it hides", () => {
  assert.equal(eventProblem(variant((e) => e.extra = nested(MAX_EVENT_DEPTH - 2))), undefined);
  for (
    const change of [
      (e: Record<string, unknown>) => e.extra = nested(20_000),
      (e: Record<string, unknown>) => e.data = [{ name: "a", struct: nested(20_000) }],
      (e: Record<string, unknown>) => e.threat = { deep: nested(20_000) },
    ]
  ) {
    assert.match(
      eventProblem(variant(change)) ?? "",
      new RegExp(`nested deeper than ${MAX_EVENT_DEPTH} levels$`),
    );
  }
});

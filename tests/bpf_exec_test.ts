/**
 * exec against the live kernel, as an attacker would use it: reproductions of issue 8's findings,
 * each checked field by field against what the workload did.
 */

import assert from "node:assert/strict";
import { asNobody, bpfTest, NOBODY, trace } from "./_bpf.ts";
import { buildWorkload } from "../bench/workload.ts";
import { type Event, findData } from "../lib/events/event.ts";

const argvOf = (e: Event) => (findData(e, "argv") as { value: string[] }).value;

/** The events called `name` whose `field` is `value`. */
function withData(events: Event[], name: string, field: string, value: unknown): Event[] {
  return events.filter((e) => e.name === name && findData(e, field) === value);
}

bpfTest(
  "bpf exec: a failed exec with 29 crafted arguments and a 300-byte path cannot forge the header",
  async () => {
    const workload = await buildWorkload();
    // Issue 8.1: with these lengths the old argv copy wrapped onto the record header and the event
    // came out as uid 0, comm sshd, returnValue 0.
    const lengths = [
      255,
      254,
      253,
      40,
      255,
      1,
      255,
      128,
      255,
      255,
      200,
      255,
      64,
      255,
      255,
      255,
      17,
      255,
      255,
      3,
      255,
      255,
      99,
      255,
      255,
      255,
      255,
      180,
      255,
    ];
    const args = lengths.map((n, i) => String.fromCharCode(97 + (i % 26)).repeat(n));
    args[5] = "sshd";
    const missing = `/tmp/sluice-forge-${crypto.randomUUID()}/${"p".repeat(300 - 56)}`;
    let result = { pid: 0, stdout: "" };
    const events = await trace(["execve"], async () => {
      result = await asNobody(workload, ["exec", missing, ...args]);
    });
    assert.equal(result.stdout, "-2");
    const [event, ...others] = withData(events, "execve", "pathname", missing);
    assert(event, "no execve event of the missing path");
    assert.equal(others.length, 0);
    assert.equal(event.workload?.process?.real_user?.id, NOBODY);
    assert.equal(event.workload?.process?.host_pid, result.pid);
    assert.equal(event.workload?.process?.thread?.name, "workload");
    assert.equal(findData(event, "returnValue"), "-2");
    assert.deepEqual(argvOf(event), args);
    assert.equal(event.truncated, undefined);
  },
);

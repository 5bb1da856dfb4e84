/**
 * The generic syscall path against the live kernel: every syscall event enabled (the whole
 * descriptor table), a workload making several dozen syscalls outside the 15 sluice used to have
 * code for, and each event's arguments and return value checked against what the workload recorded.
 */

import assert from "node:assert/strict";
import { bpfTest, trace } from "./_bpf.ts";
import { buildWorkload } from "../bench/workload.ts";
import { EVENTS } from "../lib/events/catalog.ts";
import { dataValue, type Event } from "../lib/events/event.ts";

/** The syscalls sluice had its own kernel code for before the generic path. */
const EARLIER = new Set([
  "openat",
  "unlinkat",
  "fchmodat",
  "connect",
  "bind",
  "accept4",
  "ptrace",
  "setuid",
  "setgid",
  "memfd_create",
  "init_module",
  "finit_module",
  "execve",
  "execveat",
  "exit",
]);

/** One line of `workload syscalls`: the syscall, its result, and each argument's expected value. */
interface Expected {
  name: string;
  fields: Map<string, unknown>;
}

/** The value an argument recorded as KIND:TEXT must have in the event (bench/syscalls.c names the kinds). */
function expectedValue(kind: string, text: string): unknown {
  switch (kind) {
    case "i":
    case "u":
      return Number(text);
    case "a": {
      if (text === "") return {};
      const [family, address, port] = text.split(",");
      return { sa_family: family, sin_addr: address, ...(port === "0" ? {} : { sin_port: Number(port) }) };
    }
    case "t": {
      if (text === "") return { value: 0 };
      const [sec, nsec] = text.split(",").map(Number);
      return { value: sec + nsec / 1e9 };
    }
    case "2":
      return { value: text.split(",").map(Number) };
    default: // l, U, p: decimal text; s: the string
      return text;
  }
}

function parse(line: string): Expected {
  const [name, result, ...args] = line.split("\t");
  const fields = new Map<string, unknown>();
  for (const arg of args) {
    const eq = arg.indexOf("=");
    fields.set(arg.slice(0, eq), expectedValue(arg[eq + 1], arg.slice(eq + 3)));
  }
  fields.set("returnValue", result);
  return { name, fields };
}

/** How `event` differs from `expected`: every declared field must be recorded and equal. */
function differences(event: Event, expected: Expected): string[] {
  const out: string[] = [];
  for (const field of event.data ?? []) {
    if (!expected.fields.has(field.name)) out.push(`${field.name} not recorded by the workload`);
    else if (JSON.stringify(dataValue(field)) !== JSON.stringify(expected.fields.get(field.name))) {
      out.push(
        `${field.name} ${JSON.stringify(dataValue(field))}, recorded ${
          JSON.stringify(expected.fields.get(field.name))
        }`,
      );
    }
  }
  if ((event.data ?? []).length !== expected.fields.size) out.push(`${event.data?.length} fields`);
  if (event.truncated !== undefined) out.push(`truncated ${event.truncated}`);
  return out;
}

bpfTest(
  "bpf syscalls: dozens of syscalls, every one enabled, each event equal to what the workload did",
  async () => {
    const workload = await buildWorkload();
    const dir = await Deno.makeTempDir({ prefix: "sluice-syscalls-" });
    const syscalls = EVENTS.filter((e) => e.syscall !== undefined && e.support.kind === "syscall").map((e) =>
      e.name
    );
    let pid = 0;
    let stdout = "";
    const events = await trace(syscalls, async () => {
      const child = new Deno.Command(workload, { args: ["syscalls", dir], stdout: "piped" }).spawn();
      pid = child.pid;
      const output = await child.output();
      assert.equal(output.code, 7, "the workload ends with exit_group(7)");
      stdout = new TextDecoder().decode(output.stdout);
    });
    await Deno.remove(dir, { recursive: true });
    const expected = stdout.trim().split("\n").map(parse);
    const names = new Set(expected.map((e) => e.name));
    const outside = [...names].filter((n) => !EARLIER.has(n));
    assert(outside.length >= 30, `only ${outside.length} syscalls outside the earlier 15`);
    const mine = events.filter((e) => e.workload?.process?.host_pid === pid);
    const used = new Set<Event>();
    const problems: string[] = [];
    for (const want of expected) {
      const candidates = mine.filter((e) => e.name === want.name && !used.has(e));
      const match = candidates.find((e) => differences(e, want).length === 0);
      if (match !== undefined) used.add(match);
      else {
        const closest = candidates.map((e) => differences(e, want)).sort((a, b) => a.length - b.length)[0];
        problems.push(`${want.name}: ${closest === undefined ? "no event" : closest.join("; ")}`);
      }
    }
    assert.deepEqual(problems, [], `${problems.length} of ${expected.length} syscalls differ`);
  },
);

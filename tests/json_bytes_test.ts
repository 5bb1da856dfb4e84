// The byte writer against the string formatter: any byte of difference fails.
import assert from "node:assert/strict";
import type { DataField, Event } from "../lib/events/event.ts";
import { formatJson, jsonFormatter } from "../lib/format/json.ts";
import { JsonBytes } from "../lib/format/json_bytes.ts";
import { bpfTest, trace } from "./_bpf.ts";
import { makeEvent } from "./_events.ts";
import { syntheticEvents } from "../bench/synthetic.ts";
import { EVENTS } from "../lib/events/catalog.ts";
import { eventByRecordId, RecordDecoder, recordIdOf } from "../lib/events/decode.ts";
import { EXE_FIELD, WIRE } from "../lib/bpf/layout.ts";
import { RecordWriter } from "./_record.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Fails at the first event whose bytes differ from formatJson's line, naming it. */
function assertSameBytes(events: readonly Event[]): void {
  const out = new JsonBytes(64);
  const expected: Uint8Array[] = [];
  for (const event of events) {
    out.writeLine(event);
    expected.push(encoder.encode(formatJson(event) + "\n"));
  }
  const got = out.take();
  let at = 0;
  for (let i = 0; i < expected.length; i++) {
    const line = got.subarray(at, at + expected[i].length);
    assert.equal(decoder.decode(line), decoder.decode(expected[i]), `event ${i}`);
    assert.deepEqual(line, expected[i], `event ${i}: same text, different bytes`);
    at += expected[i].length;
  }
  assert.equal(at, got.length, "bytes after the last line");
}

/** Each event twice in a row, so that the writer's shared-workload path runs as well. */
const twice = (events: readonly Event[]): Event[] => events.flatMap((event) => [event, event]);

const FIXTURE = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/tracee/event_json.json", import.meta.url)),
) as {
  events: { event: Event }[];
  values: { value: DataField }[];
};

Deno.test("json bytes equal the json format over Tracee's event_json fixtures", () => {
  assertSameBytes(twice(FIXTURE.events.map((c) => c.event)));
  assertSameBytes(twice(FIXTURE.values.map((c) => ({ timestamp: "t", id: 1, name: "e", data: [c.value] }))));
});

Deno.test("json bytes equal the json format over the recorded events", async () => {
  const text = await Deno.readTextFile(new URL("../fixtures/events/recorded.jsonl", import.meta.url));
  const events = text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as Event);
  assert.ok(events.length > 0);
  assertSameBytes(twice(events));
});

Deno.test("json bytes equal the json format over events sharing workloads, as the kernel source makes them", () => {
  const events = syntheticEvents(2000);
  assertSameBytes(events.map((event, i) => ({ ...event, workload: events[i - (i % 8)].workload })));
});

Deno.test("json bytes equal the json format over decoded records, as built and as later stages change them", () => {
  const decoder = new RecordDecoder([1_700_000_000, 0]);
  const decode = (record: RecordWriter) => decoder.decode(record.view, record.bytes, 0, record.length)!;
  const definitions = EVENTS.filter((d) => eventByRecordId(recordIdOf(d)) === d);
  assert.ok(definitions.length > 20);
  const ts = new Uint8Array(16);
  new DataView(ts.buffer).setBigInt64(0, 1_700_000_000n, true);
  const sin = new Uint8Array([2, 0, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  const built = [
    // Every field zero-filled: empty arrays, an empty sockaddr, data-less events.
    ...definitions.map((d) => decode(new RecordWriter({ event_id: recordIdOf(d), syscall: d.syscall ?? 0 }))),
    decode(
      new RecordWriter({ event_id: 257, syscall: 257, exe_id: 3 }, 'ünï"cödé').str(EXE_FIELD, "/bin/x", true)
        .i32(0, -100).str(1, '/tmp/"ü\n', true).i32(2, 0).u32(3, 0o644),
    ),
    decode(
      new RecordWriter({ event_id: 59, syscall: 59 }, "").str(0, "/bin/sh").strings(1, ["sh", "-c"], true),
    ),
    decode(new RecordWriter({ event_id: 35, syscall: 35 }).field(0, WIRE.TIMESPEC, ts)),
    decode(new RecordWriter({ event_id: 42, syscall: 42 }).i32(0, 3).field(1, WIRE.SOCKADDR, sin)),
  ];
  const matched = Object.freeze({ matched: Object.freeze(["a", "b"]) as string[] });
  const changed = built.flatMap((event) => [
    event,
    { ...event, policies: matched },
    { ...event, policies: { matched: ["open"] } },
    // A key set after the decoder's: out of Tracee's order once truncated is there.
    { ...event, threat: { name: "t" } },
    { ...event, data: [] },
    { ...event, data: [{ other: 1, name: "swapped" }, ...(event.data ?? []).slice(1)] },
  ]);
  assertSameBytes(twice(changed));
});

Deno.test("json bytes equal the json format on strings, numbers and values JSON.stringify treats apart", () => {
  const strings = [
    '"q"',
    "back\\slash",
    "\u0000\u0001\b\f\n\r\t\u001f\u007f",
    "ünïcödé ✓ 🐝",
    "\ud800 lone",
    "",
  ];
  const numbers = [
    0,
    -0,
    7,
    -7,
    10,
    2 ** 31 - 1,
    2 ** 31,
    -(2 ** 31),
    -(2 ** 53),
    1e15,
    1e21,
    0.1,
    -1.5e-7,
    NaN,
    Infinity,
    -Infinity,
  ];
  const base = makeEvent(1);
  const events: Event[] = [
    ...strings.map((str) => ({ ...base, name: str, data: [{ name: str, str }] })),
    ...numbers.map((n) => ({ ...base, id: n, data: [{ name: "n", int32: n }] })),
    { ...base, extra: [undefined, () => 1, Symbol("s"), null, [1, [2]]], nothing: undefined },
    { ...base, when: new Date(0), [Symbol("hidden")]: 1 },
    // Out of Tracee's order at every level: the writer must reorder as formatJson does.
    {
      data: [{ str: "/etc/passwd", name: "pathname" }],
      workload: {
        container: { started: true, id: "abc" },
        process: { thread: { tid: 2, name: "cat" }, pid: 2, executable: { path: "/bin/cat" } },
      },
      name: "openat",
      id: 257,
      timestamp: "t",
    } as Event,
  ];
  assertSameBytes(twice(events));
});

Deno.test("json bytes keep nothing of an event JSON.stringify refuses", () => {
  const out = new JsonBytes(16);
  out.writeLine(makeEvent(1));
  const before = out.length;
  assert.throws(() => out.writeLine({ ...makeEvent(2), big: 1n }), TypeError);
  assert.equal(out.length, before);
  assert.equal(decoder.decode(out.take()), formatJson(makeEvent(1)) + "\n");
});

Deno.test("json bytes: text lines, a prepended header, and the formatter's writeLine", () => {
  const out = new JsonBytes(4);
  jsonFormatter.writeLine!(makeEvent(1), out);
  out.writeText("plain ✓");
  assert.equal(out.prependLine("HEADER"), 7);
  assert.equal(decoder.decode(out.take()), `HEADER\n${formatJson(makeEvent(1))}\nplain ✓\n`);
  assert.equal(out.length, 0);
});

bpfTest("json bytes equal the json format over live kernel events", async () => {
  const events = await trace(
    ["sched_process_exec", "sched_process_fork", "sched_process_exit", "openat", "execve", "close", "read"],
    async () => {
      const shell = new Deno.Command("/bin/sh", {
        args: [
          "-c",
          'for i in 1 2 3; do cat /etc/hostname "/tmp/\\"ü\\n$i" 2>/dev/null; done; ls / >/dev/null',
        ],
        stdout: "null",
      });
      await shell.output();
    },
  );
  assert.ok(events.length > 20, `only ${events.length} events`);
  assert.ok(events.some((e) => e.name === "sched_process_exec"));
  assertSameBytes(events);
});

Deno.test("json bytes write timespec values as Go's %g does, as the json format does", () => {
  const base = makeEvent(1);
  const seconds = [1.7000000005e9, 1700000000, 1e-5, 0.5, 0, 3, 123456789.123];
  const events: Event[] = seconds.map((value) => ({ ...base, data: [{ name: "req", timespec: { value } }] }));
  assertSameBytes(twice(events));
  const out = new JsonBytes();
  out.writeLine(events[1]);
  assert.match(decoder.decode(out.take()), /"timespec":\{"value":1\.7e\+09\}/);
});

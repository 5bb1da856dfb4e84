import assert from "node:assert/strict";
import { join } from "node:path";
import { createReplaySource, openReplaySource } from "../lib/source/replay.ts";
import type { Event } from "../lib/events/event.ts";
import { makeBatch, seqOf } from "./_events.ts";
import { sluice } from "./_sluice.ts";

function bytes(text: string, chunk = 7): ReadableStream<Uint8Array> {
  const data = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= data.length) return controller.close();
      controller.enqueue(data.subarray(offset, offset += chunk));
    },
  });
}

async function collect(source: ReturnType<typeof createReplaySource>): Promise<Event[]> {
  const events: Event[] = [];
  for await (const batch of source.batches()) events.push(...batch);
  return events;
}

Deno.test("replay reads JSON lines split across chunks, with or without a final newline", async () => {
  const lines = makeBatch(0, 50).map((e) => JSON.stringify(e));
  for (const text of [lines.join("\n") + "\n", lines.join("\n"), lines.join("\r\n")]) {
    const events = await collect(createReplaySource(bytes(text, 13)));
    assert.deepEqual(events.map(seqOf), Array.from({ length: 50 }, (_, i) => i));
  }
});

Deno.test("a malformed line is reported with its number, counted and skipped", async () => {
  const good = makeBatch(0, 3).map((e) => JSON.stringify(e));
  const text = [good[0], "{not json", good[1], '{"eventName":"execve","processId":1}', "", good[2], "[1]"]
    .join(
      "\n",
    );
  const warnings: string[] = [];
  const source = createReplaySource(bytes(text), { warn: (w) => warnings.push(w), label: "rec.jsonl" });
  const events = await collect(source);
  assert.deepEqual(events.map(seqOf), [0, 1, 2]);
  assert.equal(warnings.length, 3);
  assert.match(warnings[0], /^rec\.jsonl:2: not JSON/);
  assert.match(warnings[1], /^rec\.jsonl:4: Tracee's older flat event shape/);
  assert.match(warnings[2], /^rec\.jsonl:7: not a JSON object/);
  assert.deepEqual(source.stats(), { "replayed events": 3, "skipped lines": 3 });
});

Deno.test("stop ends a replay early without an error", async () => {
  const text = makeBatch(0, 5000).map((e) => JSON.stringify(e)).join("\n");
  const source = createReplaySource(bytes(text, 1024));
  let seen = 0;
  for await (const batch of source.batches()) {
    seen += batch.length;
    source.stop();
  }
  assert.ok(seen > 0 && seen < 5000);
});

Deno.test("openReplaySource reads a file", async () => {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  await Deno.writeTextFile(path, makeBatch(0, 10).map((e) => JSON.stringify(e)).join("\n") + "\n");
  const events = await collect(await openReplaySource(path));
  assert.equal(events.length, 10);
  await Deno.remove(path);
});

Deno.test("a line longer than the bound is skipped without being kept, with its length", async () => {
  const good = makeBatch(0, 2).map((e) => JSON.stringify(e));
  const long = `{"name":"${"x".repeat(5000)}"}`;
  const warnings: string[] = [];
  const source = createReplaySource(bytes([good[0], long, good[1], long].join("\n"), 1000), {
    warn: (w) => warnings.push(w),
    maxLineBytes: 1024,
  });
  assert.deepEqual((await collect(source)).map(seqOf), [0, 1]);
  assert.deepEqual(warnings, [
    "input:2: 5011 bytes long, more than the 1024 a line may have; line skipped",
    "input:4: 5011 bytes long, more than the 1024 a line may have; line skipped",
  ]);
});

Deno.test("sluice: crafted lines are skipped with their numbers and counted; the rest arrives whole", async () => {
  const dir = await Deno.makeTempDir();
  const good = makeBatch(0, 4).map((e) => JSON.stringify(e));
  const event = JSON.stringify(makeBatch(9, 1)[0]);
  const crafted = [
    event.replace(/"data":\[.*\]/, '"data":[null]'),
    event.replace(
      /"data":\[.*\]/,
      `"data":[{"name":"a","struct":${"[".repeat(20_000)}${"]".repeat(20_000)}}]`,
    ),
    event.replace('"pid":1009', '"pid":"1009"'),
    `{"name":"\u001b[31mred\u0000","timestamp":"x","id":1}`,
    `\u001b]0;title\u0007 not json \u0000`,
  ];
  const input = join(dir, "crafted.jsonl");
  const file = await Deno.open(input, { write: true, create: true });
  const encoder = new TextEncoder();
  await file.write(encoder.encode([good[0], ...crafted, good[1], ""].join("\n")));
  // A 100 MB line (no newline inside), then the rest.
  const block = encoder.encode("7".repeat(1024 * 1024));
  for (let i = 0; i < 100; i++) await file.write(block);
  await file.write(encoder.encode(["", good[2], good[3], ""].join("\n")));
  file.close();

  const out = join(dir, "out.json");
  const run = await sluice(["--input", input, "-o", `json:${out}`, "-o", `table:${join(dir, "out.txt")}`]);
  assert.equal(run.code, 0, run.stderr.slice(0, 2000));
  const replayed = (await Deno.readTextFile(out)).trimEnd().split("\n").map((l) => seqOf(JSON.parse(l)));
  assert.deepEqual(replayed, [0, 1, 2, 3]);
  const warnings = run.stderr.split("\n").filter((line) => line.includes("line skipped"));
  assert.deepEqual(warnings.map((line) => line.match(/crafted\.jsonl:(\d+):/)?.[1]), [
    "2",
    "3",
    "4",
    "5",
    "6",
    "8",
  ]);
  assert.match(
    warnings[0],
    /:2: data\[0\]: expected an object with a name and a value, got null; line skipped$/,
  );
  assert.match(warnings[1], /:3: data\[0\]\.struct(\[0\])+: nested deeper than 32 levels; line skipped$/);
  assert.match(warnings[2], /:4: workload\.process\.pid: expected an integer/);
  assert.match(
    warnings[5],
    /:8: 104857600 bytes long, more than the 16777216 a line may have; line skipped$/,
  );
  assert.match(run.stderr, /skipped lines: 6/);
  assert.match(run.stderr, /replayed events: 4/);
  // deno-lint-ignore no-control-regex -- the point: no raw control byte reaches the terminal
  assert.doesNotMatch(run.stderr, /[\u0000-\u0008\u000b-\u001f\u007f]/);
  assert.match(warnings[4], /\\x1b\]0;title\\x07/);
  await Deno.remove(dir, { recursive: true });
});

import assert from "node:assert/strict";
import { createReplaySource, eventProblem, openReplaySource } from "../lib/source/replay.ts";
import type { Event } from "../lib/events/event.ts";
import { makeBatch, seqOf } from "./_events.ts";

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

Deno.test("eventProblem accepts the current shape only", () => {
  assert.equal(eventProblem(makeBatch(0, 1)[0]), undefined);
  assert.equal(eventProblem({ name: "x", timestamp: "t" }), 'no numeric "id"');
  assert.equal(eventProblem({ id: 1, name: "x" }), 'no "timestamp" string');
  assert.equal(eventProblem(null), "not a JSON object");
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

import assert from "node:assert/strict";
import type { Event } from "../lib/events/event.ts";
import type { EventSource } from "../lib/source/source.ts";
import { sortedSource } from "../lib/source/sorted.ts";
import { makeEvent } from "./_events.ts";

/** An event at `ms` milliseconds (plus `ns` nanoseconds) after a fixed second. */
function at(ms: number, ns = 0, seq = 0): Event {
  const fraction = String(ms * 1_000_000 + ns).padStart(9, "0");
  return { ...makeEvent(seq), timestamp: `2026-11-28T12:00:00.${fraction}Z` };
}

/** A source yielding `batches`, waiting `gapMs` before each. */
function source(batches: Event[][], gapMs = 0): EventSource & { stopped: boolean } {
  const s = {
    stopped: false,
    stop() {
      s.stopped = true;
    },
    stats: () => ({ "lost events": 0 }),
    async *batches() {
      for (const batch of batches) {
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
        yield batch;
      }
    },
  };
  return s;
}

async function collect(src: EventSource): Promise<string[][]> {
  const out: string[][] = [];
  for await (const batch of src.batches()) out.push(batch.map((e) => e.timestamp.slice(20, 29)));
  return out;
}

Deno.test("sorted source: events come out in timestamp order, nanoseconds included", async () => {
  const batches = [[at(5), at(1), at(3, 7)], [at(3, 2), at(2)], [at(4)]];
  const out = (await collect(sortedSource(source(batches)))).flat();
  assert.deepEqual(out, ["001000000", "002000000", "003000002", "003000007", "004000000", "005000000"]);
});

Deno.test("sorted source: an event comes out once one newer by the window has been read", async () => {
  const batches = [[at(10), at(0)], [at(50)], [at(150)], [at(400)]];
  const out = await collect(sortedSource(source(batches), { windowMs: 100 }));
  assert.deepEqual(out, [["000000000", "010000000", "050000000"], ["150000000"], ["400000000"]]);
});

Deno.test("sorted source: a quiet source lets held events out after the window", async () => {
  const batches = [[at(2), at(1)], [at(3)]];
  const started = performance.now();
  const out = await collect(sortedSource(source(batches, 300), { windowMs: 50 }));
  assert.deepEqual(out, [["001000000", "002000000"], ["003000000"]]);
  assert.ok(performance.now() - started >= 300);
});

Deno.test("sorted source: equal times keep their order; stop and stats reach the source", async () => {
  const a = at(1, 0, 1);
  const b = at(1, 0, 2);
  const inner = source([[a, b]]);
  const sorted = sortedSource(inner);
  const out: Event[] = [];
  for await (const batch of sorted.batches()) out.push(...batch);
  assert.deepEqual(out, [a, b]);
  sorted.stop();
  assert.equal(inner.stopped, true);
  assert.deepEqual(sorted.stats(), { "lost events": 0 });
});

Deno.test("sluice -o sort-events replays a shuffled recording in timestamp order", async () => {
  const dir = await Deno.makeTempDir();
  const input = `${dir}/in.jsonl`;
  const out = `${dir}/out.json`;
  const events = [at(30, 0, 3), at(10, 0, 1), at(20, 0, 2), at(5, 0, 0)];
  await Deno.writeTextFile(input, events.map((e) => JSON.stringify(e)).join("\n") + "\n");
  const run = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../main.ts", import.meta.url).pathname,
      "--input",
      input,
      "-o",
      "sort-events",
      "-o",
      `json:${out}`,
    ],
    stderr: "piped",
  }).output();
  assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
  const seqs = (await Deno.readTextFile(out)).trim().split("\n").map((l) => JSON.parse(l).data[0].int32);
  assert.deepEqual(seqs, [0, 1, 2, 3]);
  await Deno.remove(dir, { recursive: true });
});

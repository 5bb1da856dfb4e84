import assert from "node:assert/strict";
import { join } from "node:path";
import { createFileDestination, FLUSH_INTERVAL_MS } from "../lib/destinations/file.ts";
import { jsonFormatter } from "../lib/format/json.ts";
import { tableFormatter } from "../lib/format/table.ts";
import { makeBatch, seqOf } from "./_events.ts";

Deno.test("file destination creates parent folders, truncates, writes one json line per event", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "a", "b", "out.json");
  await Deno.mkdir(join(dir, "a", "b"), { recursive: true });
  await Deno.writeTextFile(path, "old content that must go\n");
  const destination = createFileDestination("f", { path, formatter: jsonFormatter });
  const writer = destination.writable.getWriter();
  await writer.write(makeBatch(0, 3));
  await writer.write(makeBatch(3, 2));
  await writer.close();
  const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
  assert.deepEqual(lines.map((l) => seqOf(JSON.parse(l))), [0, 1, 2, 3, 4]);
  assert.deepEqual(destination.ledger.counters(), {
    delivered: 5,
    failed: 0,
    retried: 0,
    duplicatesPossible: 0,
    inFlight: 0,
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("table file starts with the header", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "new", "out.txt");
  const destination = createFileDestination("t", { path, formatter: tableFormatter });
  const writer = destination.writable.getWriter();
  await writer.write(makeBatch(0, 2));
  await writer.close();
  const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^TIME +UID +COMM +PID +TID +EVENT +ARGS$/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a quiet file destination flushes within a second", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "out.json");
  const destination = createFileDestination("f", { path, formatter: jsonFormatter });
  const writer = destination.writable.getWriter();
  await writer.write(makeBatch(0, 1));
  assert.equal(await Deno.readTextFile(path), "");
  await new Promise((r) => setTimeout(r, FLUSH_INTERVAL_MS + 300));
  assert.equal((await Deno.readTextFile(path)).trimEnd().split("\n").length, 1);
  await writer.close();
  await Deno.remove(dir, { recursive: true });
});

// The formatter contract: a per-event failure leaves that event out and is counted by the destination.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Destination } from "../lib/destinations/destination.ts";
import { createFileDestination } from "../lib/destinations/file.ts";
import { createForwardDestination } from "../lib/destinations/forward.ts";
import { createWebhookDestination } from "../lib/destinations/webhook.ts";
import { formatBatch, formatFailureReporter } from "../lib/format/format.ts";
import { templateFormatter } from "../lib/format/template.ts";
import { makeBatch, seqOf } from "./_events.ts";
import { collector, receiver } from "./_receivers.ts";
import { destinationLine, recording, sluice, streamLine } from "./_sluice.ts";

// Fails on odd events: index 5 of a two-entry list.
const SOURCE =
  "{{ $s := (index .data 0).int32 }}{{ if eq (mod $s 2) 1 }}{{ index .data 5 }}{{ end }}seq={{ $s }}";
const formatter = templateFormatter(SOURCE, "gotemplate=/odd.tmpl");

/** The destination's counters that say where each event went. */
function settled(destination: Destination) {
  const { delivered, failed, inFlight } = destination.ledger.counters();
  return { delivered, failed, inFlight };
}

Deno.test("formatBatch keeps the lines that format and the failures of the others", () => {
  const { lines, events, failed, failures } = formatBatch(formatter, makeBatch(0, 5));
  assert.deepEqual(lines, ["seq=0", "seq=2", "seq=4"]);
  assert.deepEqual(events.map(seqOf), [0, 2, 4]);
  assert.deepEqual(failed.map(seqOf), [1, 3]);
  assert.equal(failures.length, 2);
  assert.match(
    failures[0].message,
    /^gotemplate=\/odd\.tmpl: event sched_process_exec at .*: index out of range: 5$/,
  );
});

Deno.test("the failure reporter warns once, naming the destination and the first reason", () => {
  const lines: string[] = [];
  const report = formatFailureReporter("d", (line) => lines.push(line));
  report([]);
  report(formatBatch(formatter, makeBatch(0, 4)).failures);
  report(formatBatch(formatter, makeBatch(4, 4)).failures);
  assert.equal(lines.length, 1);
  assert.match(
    lines[0],
    /^destination d: an event could not be formatted and is counted as failed: gotemplate=\/odd\.tmpl: .*index out of range: 5 \(later failures are counted, not printed\)$/,
  );
});

Deno.test("a file destination writes the events that format and counts the rest as failed", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "out.txt");
  const warnings: string[] = [];
  const destination = await createFileDestination("f", {
    path,
    formatter,
    warn: (line) => warnings.push(line),
  });
  const writer = destination.writable.getWriter();
  await writer.write(makeBatch(0, 5));
  await writer.write(makeBatch(5, 5));
  await writer.close();
  assert.equal(await Deno.readTextFile(path), "seq=0\nseq=2\nseq=4\nseq=6\nseq=8\n");
  assert.deepEqual(settled(destination), { delivered: 5, failed: 5, inFlight: 0 });
  assert.equal(warnings.length, 1);
  await Deno.remove(dir, { recursive: true });
});

async function templateFile(): Promise<{ dir: string; format: string }> {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "odd.tmpl");
  await Deno.writeTextFile(path, SOURCE);
  return { dir, format: `gotemplate=${path}` };
}

Deno.test("a webhook posts the events that format and counts the rest as failed", async () => {
  const { dir, format } = await templateFile();
  const { server, bodies, port } = receiver();
  const warnings: string[] = [];
  const destination = createWebhookDestination(
    { name: "w", type: "webhook", format, url: `http://127.0.0.1:${port}/` },
    { mode: "block", warn: (line) => warnings.push(line) },
  );
  const writer = destination.writable.getWriter();
  await writer.write(makeBatch(0, 4));
  await writer.close();
  await server.shutdown();
  assert.deepEqual(bodies, ["seq=0", "seq=2"]);
  assert.deepEqual(settled(destination), { delivered: 2, failed: 2, inFlight: 0 });
  assert.equal(warnings.length, 1);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a forward destination sends the events that format and counts the rest as failed", async () => {
  const { dir, format } = await templateFile();
  const { server, entries, port } = await collector();
  const warnings: string[] = [];
  const destination = createForwardDestination(
    { name: "fw", type: "forward", format, url: `tcp://127.0.0.1:${port}` },
    { mode: "block", notice: () => {}, warn: (line) => warnings.push(line) },
  );
  const writer = destination.writable.getWriter();
  await writer.write(makeBatch(0, 4));
  await writer.close();
  await server.close();
  assert.deepEqual(entries.map((e) => e.record.event), ["seq=0", "seq=2"]);
  assert.deepEqual(settled(destination), { delivered: 2, failed: 2, inFlight: 0 });
  assert.equal(warnings.length, 1);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a run: events a template fails on are failed in the stream's and the webhook's lines; drop mode exits 0", async () => {
  const { dir, format } = await templateFile();
  const hook = receiver();
  const config = join(dir, "config.yaml");
  await Deno.writeTextFile(
    config,
    `output:
  destinations:
    - name: hook
      type: webhook
      format: ${format}
      url: http://127.0.0.1:${hook.port}/
  streams:
    - name: s
      destinations: [hook]
      buffer:
        mode: drop
`,
  );
  try {
    const run = await sluice(["--input", await recording(10), "-c", config]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(streamLine(run, "s"), { matched: 10, delivered: 5, dropped: 0, failed: 5, pending: 0 });
    assert.deepEqual(destinationLine(run, "hook"), {
      delivered: 5,
      failed: 5,
      retried: 0,
      duplicatesPossible: 0,
      inFlight: 0,
    });
    assert.deepEqual(hook.bodies, ["seq=0", "seq=2", "seq=4", "seq=6", "seq=8"]);
  } finally {
    await hook.server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

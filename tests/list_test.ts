import assert from "node:assert/strict";
import { detectorListing, eventListing, listings, listJson, listTable } from "../lib/cli/list.ts";
import { DETECTORS, eventByName, EVENTS, isTraceable } from "../lib/events/catalog.ts";

const rows = listings(EVENTS, DETECTORS);

Deno.test("sluice list: every selectable event and every detector's event, each once", () => {
  const names = rows.map((row) => row.name);
  assert.equal(new Set(names).size, names.length);
  assert.equal(rows.length, EVENTS.filter((e) => !e.internal).length + DETECTORS.length);
  assert.ok(!names.includes(EVENTS.find((e) => e.internal)!.name));
});

Deno.test("sluice list: id, sets, Tracee's typed fields; what sluice cannot trace says why", () => {
  const openat = eventByName("openat")!;
  const row = eventListing(openat);
  assert.equal(row.id, openat.id);
  assert.deepEqual(row.tags, openat.sets);
  assert.equal(row.type, "syscall");
  assert.deepEqual(row.arguments, openat.fields.map((f) => `${f.cType} ${f.name}`));
  assert.deepEqual(row.fields, openat.fields.map((f) => ({ name: f.name, type: f.type })));
  assert.equal(row.traced, true);
  assert.equal(row.reason, undefined);
  const untraced = EVENTS.find((e) => !e.internal && !isTraceable(e))!;
  const listed = eventListing(untraced);
  assert.equal(listed.traced, false);
  assert.ok(listed.reason !== undefined && listed.reason.length > 0);
  const detector = detectorListing(DETECTORS[0]);
  assert.equal(detector.type, "detector");
  assert.match(detector.reason!, /sluice runs no detectors/);
});

Deno.test("sluice list as a table: a row per event, a reason line under each untraced one", () => {
  const lines = listTable(rows).split("\n");
  assert.match(lines[0], /^\d+ of \d+ events can be traced by sluice; the others say why\.$/);
  assert.match(lines[1], /^ID +EVENT +SETS +FIELDS$/);
  const untraced = rows.filter((row) => !row.traced).length;
  assert.equal(lines.length, 2 + rows.length + untraced);
  const at = lines.findIndex((line) => line.split(/ +/)[1] === "openat");
  assert.ok(lines[at].startsWith(String(eventByName("openat")!.id)));
  assert.doesNotMatch(lines[at + 1], /not traced/);
});

Deno.test("sluice list, list events --json, -o json and version from the command line", async () => {
  const run = async (...args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../main.ts", import.meta.url).pathname, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return {
      code: out.code,
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
    };
  };
  const json = await run("list", "-o", "json");
  assert.equal(json.code, 0, json.stderr);
  assert.equal(json.stdout, listJson(rows) + "\n");
  assert.equal((await run("list", "events", "--json")).stdout, json.stdout);
  const bad = await run("list", "-o", "webhook:http://x");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--output webhook:http:\/\/x: sluice list prints table or json/);
  const version = await run("--version");
  assert.match(
    version.stdout,
    /^sluice version \d+\.\d+\.\d+ \(follows Tracee 7c9ec9788ec5, api v1beta1\)\n$/,
  );
});

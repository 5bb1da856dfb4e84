import assert from "node:assert/strict";
import { eventListing, listJson, listTable } from "../lib/cli/list.ts";
import { eventByName, EVENTS } from "../lib/events/catalog.ts";

Deno.test("sluice list: one row per catalog event with its id and typed fields", () => {
  const lines = listTable(EVENTS).split("\n");
  assert.match(lines[0], /^ID +EVENT +FIELDS$/);
  assert.equal(lines.length, EVENTS.length + 1);
  const openat = eventByName("openat")!;
  const row = lines.find((line) => line.split(/ +/)[1] === "openat")!;
  assert.ok(row.startsWith(String(openat.id)), row);
  assert.ok(row.endsWith(openat.fields.map((f) => `${f.type} ${f.name}`).join(", ")), row);
});

Deno.test("sluice list --json: Tracee's EventInfo names (name, id, type, arguments)", () => {
  const listed = JSON.parse(listJson(EVENTS));
  assert.equal(listed.length, EVENTS.length);
  const openat = eventByName("openat")!;
  assert.deepEqual(listed.find((e: { name: string }) => e.name === "openat"), eventListing(openat));
  assert.deepEqual(Object.keys(eventListing(openat)), ["name", "id", "type", "arguments"]);
  assert.equal(eventListing(openat).type, "syscall");
});

Deno.test("sluice list and version run from the command line", async () => {
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
  assert.equal(JSON.parse(json.stdout).length, EVENTS.length);
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

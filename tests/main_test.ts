import assert from "node:assert/strict";
import { join } from "node:path";
import { makeBatch, seqOf } from "./_events.ts";
import { MAIN, sluice, START_FLAGS } from "./_sluice.ts";

async function recording(count: number, name?: string, dir?: string): Promise<string> {
  const path = join(dir ?? await Deno.makeTempDir(), "events.jsonl");
  await Deno.writeTextFile(path, makeBatch(0, count, name).map((e) => JSON.stringify(e)).join("\n") + "\n");
  return path;
}

const readJsonLines = async (path: string) =>
  (await Deno.readTextFile(path)).trimEnd().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));

Deno.test("replay to a json file: every event lands, summary on stderr, exit 0", async () => {
  const dir = await Deno.makeTempDir();
  const input = await recording(3000, "sched_process_exec", dir);
  const out = join(dir, "deep", "out.json");
  const run = await sluice(["--input", input, "-o", `json:${out}`]);
  assert.equal(run.code, 0, run.stderr);
  const events = await readJsonLines(out);
  assert.deepEqual(events.map(seqOf), Array.from({ length: 3000 }, (_, i) => i));
  assert.match(run.stderr, new RegExp(`stream default-stream: matched 3000, delivered 3000, dropped 0`));
  assert.match(run.stderr, new RegExp(`destination ${out}json: delivered 3000, failed 0, retried 0`));
});

Deno.test("output to /dev/null works with the start task's permissions", async () => {
  const input = await recording(10);
  const run = await sluice(["--input", input, "-o", "json:/dev/null", "-o", "table:/dev/stderr"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /destination \/dev\/nulljson: delivered 10, failed 0/);
});

Deno.test("replay from stdin with no output config prints a table to stdout", async () => {
  const input = makeBatch(0, 3).map((e) => JSON.stringify(e)).join("\n");
  const run = await sluice(["--input", "-"], { stdin: input });
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split("\n");
  assert.match(lines[0], /^TIME +UID +COMM +PID +TID +EVENT +ARGS$/);
  assert.equal(lines.length, 4);
  assert.match(lines[1], / bash +1000 +1000 +sched_process_exec +seq: 0, pathname: \/usr\/bin\/ls$/);
});

Deno.test("streams route by event name to separate files", async () => {
  const dir = await Deno.makeTempDir();
  const input = join(dir, "mixed.jsonl");
  const events = [...makeBatch(0, 10, "sched_process_exec"), ...makeBatch(10, 5, "openat")];
  await Deno.writeTextFile(input, events.map((e) => JSON.stringify(e)).join("\n"));
  const config = join(dir, "config.yaml");
  await Deno.writeTextFile(
    config,
    `output:
  destinations:
    - name: execs
      format: json
      path: ${dir}/execs.json
    - name: everything
      format: json
      path: ${dir}/all.json
  streams:
    - name: processes
      destinations: [execs]
      filters:
        events: [sched_process_exec]
`,
  );
  const run = await sluice(["--config", config, "--input", input]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal((await readJsonLines(`${dir}/execs.json`)).length, 10);
  assert.equal((await readJsonLines(`${dir}/all.json`)).length, 15);
  assert.match(run.stderr, /stream processes: matched 10, delivered 10, dropped 0/);
  assert.match(run.stderr, /stream default-stream: matched 15, delivered 15, dropped 0/);
});

Deno.test("SIGTERM stops a replay from an open stdin, drains and exits 0", async () => {
  const dir = await Deno.makeTempDir();
  const out = join(dir, "out.json");
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...START_FLAGS, MAIN, "--input", "-", "-o", `json:${out}`],
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(
    new TextEncoder().encode(makeBatch(0, 500).map((e) => JSON.stringify(e) + "\n").join("")),
  );
  let written = 0;
  for (let i = 0; i < 100 && written < 500; i++) {
    await new Promise((r) => setTimeout(r, 100));
    written = await Deno.readTextFile(out).then((t) => t.split("\n").length - 1, () => 0);
  }
  child.kill("SIGTERM");
  const status = await child.status;
  await writer.close().catch(() => {});
  const stderr = new TextDecoder().decode((await new Response(child.stderr).arrayBuffer()) as ArrayBuffer);
  assert.equal(status.code, 0, stderr);
  assert.equal((await readJsonLines(out)).length, 500);
  assert.match(stderr, /stream default-stream: matched 500, delivered 500, dropped 0/);
});

Deno.test("validate prints the resolved streams and starts nothing", async () => {
  const dir = await Deno.makeTempDir();
  const run = await sluice([
    "validate",
    "-o",
    `json:${dir}/x.json`,
    "-o",
    "streams.s.destinations=y",
    "-o",
    "destinations.y.format=table",
    "-o",
    "streams.s.buffer.mode=drop",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /default-stream/);
  assert.match(run.stdout, /drop/);
  assert.equal(await Deno.stat(`${dir}/x.json`).then(() => true, () => false), false);
});

Deno.test("bad configuration: every problem on its own line, exit 2, nothing written", async () => {
  const dir = await Deno.makeTempDir();
  const input = await recording(5, undefined, dir);
  const run = await sluice([
    "--input",
    input,
    "-o",
    `destinations.a.path=${dir}/a.json`,
    "-o",
    "streams.s.destinations=a",
    "-o",
    "streams.s.buffer.mode=fast",
    "-o",
    "streams.s.buffer.size=-3",
    "-o",
    "streams.s.filters.events=no_such_event",
  ]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /streams\.s\.buffer\.mode.*fast/);
  assert.match(run.stderr, /streams\.s\.buffer\.size.*-3/);
  assert.match(run.stderr, /no_such_event/);
  assert.ok(run.stderr.trim().split("\n").length >= 3);
  assert.equal(await Deno.stat(`${dir}/a.json`).then(() => true, () => false), false);
});

Deno.test("bad usage: unknown flag and unknown command exit 2 with one line", async () => {
  for (const args of [["--bogus"], ["frobnicate"], ["--log", "loud"]]) {
    const run = await sluice(args);
    assert.equal(run.code, 2, args.join(" "));
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
  }
});

Deno.test("a missing input file is bad usage: exit 2, one line naming it", async () => {
  const run = await sluice(["--input", "/nonexistent/events.jsonl", "-o", "none"]);
  assert.equal(run.code, 2);
  assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
  assert.match(run.stderr, /\/nonexistent\/events\.jsonl/);
});

Deno.test("a reader that goes away (sluice | head) ends the run with one line, exit 1", async () => {
  const input = await recording(20000);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...START_FLAGS, MAIN, "--input", input, "-o", "json"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  await reader.read();
  await reader.cancel();
  const { code } = await child.status;
  const text = await new Response(child.stderr).text();
  assert.equal(code, 1, text);
  assert.match(
    text,
    /failure while running: destination stdoutjson: the reader of stdout has gone \(broken pipe\)/,
  );
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { parseCli } from "../lib/cli/args.ts";
import { unneededOnceStarted, unneededPermissions } from "../lib/cli/permissions.ts";
import { makeBatch } from "./_events.ts";
import { collector, receiver } from "./_receivers.ts";
import { MAIN, sluice, START_FLAGS } from "./_sluice.ts";

async function recording(count: number): Promise<string> {
  const path = join(await Deno.makeTempDir(), "events.jsonl");
  await Deno.writeTextFile(path, makeBatch(0, count).map((e) => JSON.stringify(e) + "\n").join(""));
  return path;
}

Deno.test("only a run on the live kernel keeps ffi and run", () => {
  assert.deepEqual(unneededPermissions(parseCli([])), []);
  assert.deepEqual(unneededPermissions(parseCli(["-e", "openat", "-o", "json"])), []);
  assert.deepEqual(unneededPermissions(parseCli(["--input", "x.jsonl"])), ["run"]);
  assert.deepEqual(unneededOnceStarted(parseCli(["--input", "x.jsonl"])), ["ffi"]);
  assert.deepEqual(unneededOnceStarted(parseCli([])), []);
  assert.deepEqual(unneededPermissions(parseCli(["validate"])), ["ffi", "run"]);
  assert.deepEqual(unneededPermissions(parseCli(["list"])), ["ffi", "run"]);
  assert.deepEqual(unneededPermissions(parseCli(["--version"])), ["ffi", "run"]);
});

Deno.test("replay, validate, list and version run without --allow-ffi and --allow-run granted at all", async () => {
  const flags = START_FLAGS.filter((flag) => !/^--allow-(ffi|run)\b/.test(flag));
  assert.ok(flags.includes("--no-prompt"));
  const input = await recording(20);
  const out = join(await Deno.makeTempDir(), "out.json");
  const replay = await sluice(["--input", input, "-o", `json:${out}`], { flags });
  assert.equal(replay.code, 0, replay.stderr);
  assert.match(replay.stderr, /delivered 20, failed 0/);
  for (const args of [["-p", "fixtures/policies"], ["-s", "tree=1", "-e", "openat"]]) {
    const validate = await sluice(["validate", ...args], { flags });
    assert.equal(validate.code, 0, validate.stderr);
  }
  for (const args of [["list", "-o", "json"], ["--version"]]) {
    const run = await sluice(args, { flags });
    assert.equal(run.code, 0, run.stderr);
  }
});

Deno.test("under the start task, a replay has given up run before reading its input and ffi once started", async () => {
  const dir = await Deno.makeTempDir();
  const input = await recording(3);
  const script = join(dir, "probe.ts");
  await Deno.writeTextFile(
    script,
    `import { main } from ${JSON.stringify(new URL(`file://${MAIN}`).href)};
const code = await main(["--input", ${JSON.stringify(input)}, "-o", "none"]);
const denied = (f: () => unknown) => { try { f(); return false; } catch (e) { return e instanceof Deno.errors.NotCapable; } };
console.log(JSON.stringify({
  code,
  ffi: denied(() => Deno.dlopen("libc.so.6", {})),
  run: denied(() => new Deno.Command("true").outputSync()),
}));
`,
  );
  // The probe lives outside the project: it needs the project's import map.
  const config = new URL("../deno.json", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...START_FLAGS, "--config", config, script],
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  const stdout = new TextDecoder().decode(out.stdout);
  assert.deepEqual(JSON.parse(stdout || "null"), { code: 0, ffi: true, run: true }, stderr);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the start task's grants (no environment, sys for hostname and uid) are enough for webhook and forward", async () => {
  const hook = receiver();
  const fluent = await collector();
  try {
    const input = await recording(5);
    const run = await sluice([
      "--input",
      input,
      "-o",
      `webhook:http://127.0.0.1:${hook.port}/events`,
      "-o",
      `forward:tcp://127.0.0.1:${fluent.port}?requireAck=true`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(hook.bodies.length, 5);
    assert.equal(fluent.entries.length, 5);
  } finally {
    await hook.server.shutdown();
    await fluent.server.close();
  }
});

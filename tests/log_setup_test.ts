/**
 * `--log` end to end: a replay whose configuration prints a notice (info), a skipped line
 * (warn), a capability line (debug) and the summary (info), run at every level and form.
 */

import assert from "node:assert/strict";
import { bpfTest } from "./_bpf.ts";
import { makeBatch } from "./_events.ts";
import { receiver } from "./_receivers.ts";
import { startSluice } from "./_sluice.ts";

async function replay(logFlags: string[]): Promise<{ code: number; lines: string[]; hook: number }> {
  const hook = receiver();
  const dir = await Deno.makeTempDir();
  const config = `${dir}/config.yaml`;
  // A destination with a url and no type: sluice infers the type and says so (info).
  await Deno.writeTextFile(
    config,
    `output:\n  destinations:\n    - name: hook\n      url: http://127.0.0.1:${hook.port}/\n`,
  );
  const run = startSluice(["--input", "-", "--config", config, ...logFlags], { stdin: true });
  await run.write(JSON.stringify(makeBatch(0, 1)[0]) + "\nnot json\n");
  await run.endInput();
  const { code, lines } = await run.done();
  await hook.server.shutdown();
  return { code, lines, hook: hook.bodies.length };
}

const kinds = (lines: string[]) => ({
  debug: lines.some((l) => l.includes("capabilities:")),
  info: lines.some((l) => l.includes('"webhook" inferred')) &&
    lines.some((l) => l.includes("stream default-stream")),
  warn: lines.some((l) => l.includes("<stdin>:2: not JSON") || /:2: not JSON/.test(l)),
});

Deno.test({
  name: "--log: each level prints its lines and the ones above, nothing below",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const expected = {
      debug: { debug: true, info: true, warn: true },
      info: { debug: false, info: true, warn: true },
      warn: { debug: false, info: false, warn: true },
      error: { debug: false, info: false, warn: false },
    };
    for (const [level, shown] of Object.entries(expected)) {
      const run = await replay(["--log", level]);
      assert.equal(run.code, 0, run.lines.join("\n"));
      assert.equal(run.hook, 1, "the event was delivered whatever the level");
      assert.deepEqual(kinds(run.lines), shown, `--log ${level}:\n${run.lines.join("\n")}`);
      if (level === "error") assert.deepEqual(run.lines, []);
    }
  },
});

Deno.test({
  name: "--log: Tracee's --logging level= and -l level= forms work as the bare level",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    assert.deepEqual(kinds((await replay(["--logging", "level=warn"])).lines), {
      debug: false,
      info: false,
      warn: true,
    });
    assert.deepEqual(kinds((await replay(["-l", "level=debug"])).lines), {
      debug: true,
      info: true,
      warn: true,
    });
  },
});

Deno.test({
  name: "--log format=json prints one object a line; file=PATH moves every line into the file",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const json = await replay(["--log", "format=json"]);
    const objects = json.lines.map((l) => JSON.parse(l));
    assert.ok(objects.some((o) => o.level === "warn" && /:2: not JSON/.test(o.msg)));
    assert.ok(
      objects.some((o) => o.level === "info" && o.msg.startsWith("stream default-stream: matched 1")),
    );

    const path = `${await Deno.makeTempDir()}/sluice.log`;
    await Deno.writeTextFile(path, "old content\n");
    const filed = await replay(["--logging", `file=${path}`, "--logging", "level=debug"]);
    assert.deepEqual(filed.lines, []);
    const written = (await Deno.readTextFile(path)).trimEnd().split("\n");
    assert.deepEqual(kinds(written), { debug: true, info: true, warn: true });
    assert.ok(!written.includes("old content"), "the file is truncated, as Tracee does");
  },
});

Deno.test("--log: a bad value or a log file that cannot be opened is a usage error (exit 2)", async () => {
  for (
    const [flags, message] of [
      [["--log", "loud"], /--log: expected one of debug, info, warn, error/],
      [["--logging", "aggregate"], /aggregate option is not supported/],
      [
        ["--log", "file=/nonexistent-dir/sluice.log"],
        /--log file=\/nonexistent-dir\/sluice.log: cannot open it/,
      ],
    ] as const
  ) {
    const run = startSluice(["--input", "/dev/null", ...flags]);
    const { code, lines } = await run.done();
    assert.equal(code, 2);
    assert.match(lines.join("\n"), message);
  }
});

Deno.test("--log file=: a link planted at the path is refused and its target left as it was; a new log is 0600", async () => {
  const dir = await Deno.makeTempDir();
  const victim = `${dir}/victim`;
  await Deno.writeTextFile(victim, "precious\n");
  await Deno.symlink(victim, `${dir}/sluice.log`);
  const planted = await startSluice(["--input", "/dev/null", "--log", `file=${dir}/sluice.log`]).done();
  assert.equal(planted.code, 2);
  assert.match(planted.lines.join("\n"), /--log file=.*sluice\.log: cannot open it: .*is a symbolic link/);
  assert.equal(await Deno.readTextFile(victim), "precious\n");
  const fresh = await startSluice(["--input", "/dev/null", "--log", `file=${dir}/fresh.log`]).done();
  assert.equal(fresh.code, 0, fresh.lines.join("\n"));
  assert.equal((await Deno.stat(`${dir}/fresh.log`)).mode! & 0o777, 0o600);
  await Deno.remove(dir, { recursive: true });
});

bpfTest("--log debug: libbpf's own log comes through the reporter", async () => {
  const run = startSluice(["-e", "execve", "-o", "none", "--log", "debug", "--log", "format=json"]);
  await run.line(/capabilities:/);
  run.kill("SIGINT");
  const { lines } = await run.done();
  const libbpf = lines.map((l) => JSON.parse(l)).filter((o) => o.msg.startsWith("libbpf: "));
  assert.ok(libbpf.length > 10, `libbpf lines: ${libbpf.length}`);
  assert.ok(libbpf.every((o) => o.level === "debug"));
});

import assert from "node:assert/strict";
import { MAIN, START_FLAGS } from "./_sluice.ts";
import { cleanLine, configureLog, log, MAX_LINE_CHARS } from "../lib/log.ts";

function capture(level: "debug" | "info" | "warn" | "error", run: () => void): string[] {
  const lines: string[] = [];
  configureLog({ level, format: "text", write: (line) => lines.push(line) });
  try {
    run();
  } finally {
    configureLog({ level: "info", write: (line) => console.error(line) });
  }
  return lines;
}

Deno.test("log: each level hides the levels below it", () => {
  const all = () => {
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
  };
  assert.deepEqual(capture("debug", all), ["sluice: d", "sluice: i", "sluice: w", "sluice: e"]);
  assert.deepEqual(capture("info", all), ["sluice: i", "sluice: w", "sluice: e"]);
  assert.deepEqual(capture("warn", all), ["sluice: w", "sluice: e"]);
  assert.deepEqual(capture("error", all), ["sluice: e"]);
});

Deno.test("log: a multi-line message prints a line each; secrets and control characters never print", () => {
  const lines = capture("info", () => log.warn("a\nhttp://u:pw@h/?token=t \x1b[2J\0"));
  assert.deepEqual(lines, ["sluice: a", "sluice: http://u:***@h/?token=*** \\x1b[2J\\x00"]);
});

Deno.test("log: an enormous message is cut with the count of what was left out", () => {
  const line = cleanLine("x".repeat(MAX_LINE_CHARS + 10));
  assert.ok(line.endsWith("... (10 more characters)"));
  assert.equal(line.length, MAX_LINE_CHARS + "... (10 more characters)".length);
});

Deno.test("log: json format is one object a line", () => {
  const lines: string[] = [];
  configureLog({ level: "info", format: "json", write: (line) => lines.push(line) });
  log.warn("disk full");
  configureLog({ format: "text", write: (line) => console.error(line) });
  const parsed = JSON.parse(lines[0]);
  assert.equal(parsed.level, "warn");
  assert.equal(parsed.msg, "disk full");
  assert.ok(!Number.isNaN(Date.parse(parsed.time)));
});

Deno.test("log: a stderr nobody reads does not stop sluice: it ends its run and exits", async () => {
  const dir = await Deno.makeTempDir();
  const input = `${dir}/bad.jsonl`;
  // 20,000 lines that are not events: a warning each, far more than a pipe holds.
  await Deno.writeTextFile(input, "not json\n".repeat(20_000));
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...START_FLAGS, MAIN, "--input", input, "-o", "none"],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  // Not reading stderr until the run has ended: a blocking writer would never end.
  const started = Date.now();
  const status = await child.status;
  const text = await new Response(child.stderr).text();
  assert.equal(status.code, 0);
  assert.ok(Date.now() - started < 30_000);
  // What the pipe held arrived whole; the rest (the summary among it) waited for a reader that never came.
  assert.match(text, /^sluice: .*bad\.jsonl:1: not JSON/);
  assert.ok(text.split("\n").length > 100);
  await Deno.remove(dir, { recursive: true });
});

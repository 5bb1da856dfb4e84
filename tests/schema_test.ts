import assert from "node:assert/strict";
import { ConfigError, resolveOutputConfig } from "../lib/config/mod.ts";
import { isFileMode, MAX_BUFFER_SIZE, show } from "../lib/config/schema.ts";

function problemsOf(flags: string[], yaml?: string): string[] {
  try {
    resolveOutputConfig(
      { flags, yaml: yaml === undefined ? undefined : { text: yaml, path: "c.yaml" } },
      { knownPolicies: [] },
    );
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

Deno.test("buffer.size has an upper bound, named in the problem", () => {
  assert.deepEqual(problemsOf(["json", `streams.default-stream.buffer.size=${MAX_BUFFER_SIZE}`]), []);
  assert.deepEqual(problemsOf(["json", "streams.default-stream.buffer.size=999999999999"]), [
    `streams.default-stream.buffer.size: expected at most ${MAX_BUFFER_SIZE} events (the largest buffer.size), got 999999999999`,
  ]);
  assert.deepEqual(
    problemsOf(
      [],
      "output:\n  streams:\n    - name: s\n      destinations: [d]\n      buffer: {size: 1e308}\n  destinations:\n    - name: d\n",
    ),
    [
      `streams.s.buffer.size: expected at most ${MAX_BUFFER_SIZE} events (the largest buffer.size), got 1e+308`,
    ],
  );
});

Deno.test("a long bad value is shown by its beginning and its length", () => {
  const value = "x".repeat(500_000);
  const problems = problemsOf(
    [],
    `output:\n  destinations: [{name: d}]\n  streams:\n    - name: s\n      destinations: [d]\n      buffer:\n        mode: ${value}\n`,
  );
  assert.equal(problems.length, 1);
  assert.equal(
    problems[0],
    `streams.s.buffer.mode: expected "block" or "drop", got "${"x".repeat(80)}"... (500000 characters)`,
  );
  assert.equal(show("short"), '"short"');
});

Deno.test("permissions: a quoted octal mode for file destinations; only the owner writes", () => {
  const { config } = resolveOutputConfig(
    { flags: ["destinations.d.path=/var/log/e.json", "destinations.d.permissions=0640"] },
    { knownPolicies: [] },
  );
  assert.equal(config.destinations[0].permissions, 0o640);
  assert.deepEqual(problemsOf(["destinations.d.path=/x", "destinations.d.permissions=0666"]), [
    'destinations.d.permissions: expected a quoted octal mode where only the owner may write: "0600", "0640" or "0644", got "0666"',
  ]);
  assert.match(
    problemsOf([], "output:\n  destinations:\n    - name: d\n      path: /x\n      permissions: 0640\n")[0],
    /^destinations\.d\.permissions: expected a quoted octal mode .*, got 640$/,
  );
  assert.deepEqual(problemsOf(["destinations.d.permissions=0600"]), [
    'destinations.d.permissions: "0600" is for files sluice creates, not for stdout',
  ]);
  assert.deepEqual(
    problemsOf(["webhook:http://localhost:1/x", "destinations.http://localhost:1/xwebhook.permissions=0600"])
      .length,
    1,
  );
  assert.deepEqual([0o600, 0o640, 0o604, 0o644].map(isFileMode), [true, true, true, true]);
  assert.deepEqual([0o400, 0o660, 0o602, 0o700, 0o4600].map(isFileMode), [false, false, false, false, false]);
});

Deno.test("stdout and stderr under any of their names count as one path", () => {
  for (
    const [a, b] of [["json", "table:/dev/stdout"], ["json:/proc/self/fd/1", "table"], [
      "json:stderr",
      "table:/dev/fd/2",
    ]]
  ) {
    const problems = problemsOf([a, b]);
    assert.equal(problems.length, 1, `${a} ${b}`);
    assert.match(problems[0], /is already used by destination/);
  }
  assert.deepEqual(problemsOf(["json", "table:/dev/stderr"]), []);
});

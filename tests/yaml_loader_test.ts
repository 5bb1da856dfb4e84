import assert from "node:assert/strict";
import { join } from "node:path";
import {
  loadYamlFile,
  MAX_YAML_BYTES,
  parseYaml,
  readBoundedText,
  YamlReadError,
} from "../lib/yaml_loader.ts";
import { sluice } from "./_sluice.ts";

const BOMB = [
  'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
  "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
  "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
  "output: [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
].join("\n");

const POLICY_WITH_BINARY = `apiVersion: tracee.aquasec.com/v1beta1
kind: Policy
metadata:
  name: p
spec:
  scope: [global]
  rules:
    - event: execve
      filters:
        - !!binary ZGF0YS5wYXRobmFtZT0vZXRjLyo=
`;

/** True when `text` holds a JavaScript stack frame. */
const hasStackTrace = (text: string) => /^\s+at .+:\d+:\d+\)?$/m.test(text);

Deno.test("explicit tags are refused with their line and column", () => {
  const text = "output:\n  streams:\n    - name: s\n      buffer: !!set {size}\n";
  assert.deepEqual(parseYaml(text, "--config c.yaml"), {
    values: [],
    problems: ["--config c.yaml: line 4, column 15: YAML tag !!set is not accepted: write the plain value"],
  });
  for (const tag of ["!!binary aGk=", "!!omap [{a: 1}]", "!custom x", "!!str 8080"]) {
    const { problems } = parseYaml(`a: ${tag}\n`, "f.yaml");
    assert.match(problems[0], /^f\.yaml: line 1, column 4: YAML tag !+[a-z]+ is not accepted/, tag);
  }
});

Deno.test("an alias bomb is a problem line, not a crash; a few aliases are fine", () => {
  assert.deepEqual(parseYaml(BOMB, "b.yaml").problems, [
    "b.yaml: line 1, column 1: aliases expand to more than 100 copies (an alias bomb?): write the values out",
  ]);
  const fine = parseYaml("x: &x [1, 2]\ny: *x\n", "ok.yaml");
  assert.deepEqual(fine, { values: [{ x: [1, 2], y: [1, 2] }], problems: [] });
});

Deno.test("nesting deeper than the parser follows is reported, not thrown", () => {
  const deep = "a: " + "[".repeat(100_000) + "]".repeat(100_000);
  assert.match(parseYaml(deep, "d.yaml").problems[0], /^d\.yaml: (line \d+, column \d+: )?nested too deeply/);
});

Deno.test("several documents, syntax errors with their line, merge keys stay plain keys", () => {
  assert.deepEqual(parseYaml("a: 1\n---\n---\nb: 2\n", "m.yaml").values, [{ a: 1 }, { b: 2 }]);
  assert.match(parseYaml("a: [\n", "s.yaml").problems[0], /^s\.yaml: line 2, column 1: /);
  assert.match(parseYaml("a: 1\na: 2\n", "k.yaml").problems[0], /^k\.yaml: line 2, column 1: .*unique/);
  assert.deepEqual(parseYaml("x: &x {a: 1}\ny:\n  <<: *x\n", "g.yaml").values, [
    { x: { a: 1 }, y: { "<<": { a: 1 } } },
  ]);
});

Deno.test("reads are bounded: /dev/zero fails at the bound instead of growing", async () => {
  await assert.rejects(
    readBoundedText("/dev/zero", "--config /dev/zero"),
    (error: Error) => {
      assert.ok(error instanceof YamlReadError);
      assert.equal(
        error.message,
        `--config /dev/zero: larger than ${MAX_YAML_BYTES} bytes, the most sluice reads from a configuration or policy file`,
      );
      return true;
    },
  );
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "big.yaml"), `a: "${"x".repeat(MAX_YAML_BYTES)}"\n`);
  assert.match((await loadYamlFile(join(dir, "big.yaml"))).problems[0], /big\.yaml: larger than/);
  assert.match(
    (await loadYamlFile(join(dir, "missing.yaml"))).problems[0],
    /missing\.yaml: cannot read it: /,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a named pipe is read like a file", async () => {
  const dir = await Deno.makeTempDir();
  const fifo = join(dir, "config.fifo");
  await new Deno.Command("mkfifo", { args: [fifo] }).output();
  const writer = Deno.open(fifo, { write: true }).then(async (file) => {
    await file.write(new TextEncoder().encode("output:\n  destinations: []\n"));
    file.close();
  });
  assert.deepEqual(await loadYamlFile(fifo), { values: [{ output: { destinations: [] } }], problems: [] });
  await writer;
  await Deno.remove(dir, { recursive: true });
});

Deno.test("sluice: an alias bomb, a tag or /dev/zero as --config or -p exits 2 with one line", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "bomb.yaml"), BOMB);
  await Deno.writeTextFile(join(dir, "binary.yaml"), POLICY_WITH_BINARY);
  const cases: [string[], RegExp][] = [
    [["--config", join(dir, "bomb.yaml")], /bomb\.yaml: line 1, column 1: aliases expand/],
    [["-p", join(dir, "bomb.yaml")], /bomb\.yaml: line 1, column 1: aliases expand/],
    [["-p", join(dir, "binary.yaml")], /binary\.yaml: line 10, column 11: YAML tag !!binary is not accepted/],
    [["--config", "/dev/zero"], /--config \/dev\/zero: larger than \d+ bytes/],
    [["-p", "/dev/zero"], /\/dev\/zero: larger than \d+ bytes/],
  ];
  for (const [args, expected] of cases) {
    const run = await sluice(["validate", ...args]);
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    assert.match(run.stderr, expected);
    assert.ok(!hasStackTrace(run.stderr), run.stderr);
  }
  await Deno.remove(dir, { recursive: true });
});

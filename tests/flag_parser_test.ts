import assert from "node:assert/strict";
import { type FlagSpec, parseFlags, UsageError } from "../lib/cli/flag_parser.ts";

const SPECS: FlagSpec[] = [
  { name: "events", short: "e", kind: "list" },
  { name: "output", short: "o", kind: "list" },
  { name: "config", short: "c", kind: "string" },
  { name: "help", short: "h", kind: "bool" },
  { name: "json", short: "j", kind: "bool" },
];

function parse(...args: string[]) {
  const { values, positionals } = parseFlags(args, SPECS);
  return { values: Object.fromEntries(values), positionals };
}

function usageError(args: string[]): string {
  try {
    parseFlags(args, SPECS);
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    assert.doesNotMatch(error.message, /\n/);
    return error.message;
  }
  assert.fail(`expected a UsageError for ${JSON.stringify(args)}`);
}

Deno.test("a value flag takes the next argument whatever it starts with", () => {
  assert.deepEqual(parse("-e", "-openat").values, { events: ["-openat"] });
  assert.deepEqual(parse("--events", "-openat").values, { events: ["-openat"] });
  assert.deepEqual(parse("--events", "--help").values, { events: ["--help"] });
  assert.deepEqual(parse("-o", "--").values, { output: ["--"] });
});

Deno.test("values after = and attached to a short flag", () => {
  assert.deepEqual(parse("-e=-openat").values, { events: ["-openat"] });
  assert.deepEqual(parse("--events=x").values, { events: ["x"] });
  assert.deepEqual(parse("--events=a=b").values, { events: ["a=b"] });
  assert.deepEqual(parse("-eopenat").values, { events: ["openat"] });
  assert.deepEqual(parse("--events=").values, { events: [""] });
  assert.deepEqual(parse("-e=").values, { events: [""] });
});

Deno.test("list flags repeat in order; short and long forms add to one list", () => {
  assert.deepEqual(parse("-e", "a", "--events", "b", "-e=c", "--events=d").values, {
    events: ["a", "b", "c", "d"],
  });
});

Deno.test("boolean flags: alone, grouped, =true/=false, never taking the next argument", () => {
  assert.deepEqual(parse("-h", "x"), { values: { help: ["true"] }, positionals: ["x"] });
  assert.deepEqual(parse("-hj").values, { help: ["true"], json: ["true"] });
  assert.deepEqual(parse("--help=false").values, { help: ["false"] });
  assert.deepEqual(parse("-h=0").values, { help: ["false"] });
  assert.deepEqual(parse("--json=T").values, { json: ["true"] });
  // A group ends at the first flag that takes a value: the rest of the group is its value.
  assert.deepEqual(parse("-hejson").values, { help: ["true"], events: ["json"] });
  assert.deepEqual(parse("-he", "openat").values, { help: ["true"], events: ["openat"] });
});

Deno.test("positionals mix with flags; -- ends the flags; - alone is a positional", () => {
  assert.deepEqual(parse("validate", "-e", "x", "more"), {
    values: { events: ["x"] },
    positionals: ["validate", "more"],
  });
  assert.deepEqual(parse("--", "-e", "x"), { values: {}, positionals: ["-e", "x"] });
  assert.deepEqual(parse("-"), { values: {}, positionals: ["-"] });
});

Deno.test("what pflag rejects is a one-line error naming the flag", () => {
  assert.equal(usageError(["--bogus"]), "unknown flag: --bogus (see --help)");
  assert.equal(usageError(["--bogus=1"]), "unknown flag: --bogus (see --help)");
  assert.equal(usageError(["-x"]), "unknown shorthand flag: 'x' in -x (see --help)");
  assert.equal(usageError(["-hx"]), "unknown shorthand flag: 'x' in -hx (see --help)");
  assert.equal(usageError(["-e"]), "-e: needs a value (see --help)");
  assert.equal(usageError(["--events"]), "--events: needs a value (see --help)");
  assert.equal(usageError(["---events"]), "bad flag syntax: ---events (see --help)");
  assert.equal(usageError(["--=x"]), "bad flag syntax: --=x (see --help)");
  assert.equal(usageError(["--help=maybe"]), '--help: expected true or false, got "maybe"');
  assert.equal(usageError(["-h=yes"]), '-h: expected true or false, got "yes"');
});

Deno.test("a single-valued flag given twice is refused, naming both values", () => {
  assert.equal(
    usageError(["--config", "a.yaml", "-c", "b.yaml"]),
    '-c: given twice ("a.yaml" and "b.yaml"); give it once',
  );
  assert.deepEqual(parse("-c", "a.yaml").values, { config: ["a.yaml"] });
});

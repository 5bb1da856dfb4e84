import assert from "node:assert/strict";
import { FLAGS, parseCli, USAGE, UsageError } from "../lib/cli/args.ts";

function usageError(args: string[]): string {
  try {
    parseCli(args);
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return error.message;
  }
  assert.fail(`expected a UsageError for ${JSON.stringify(args)}`);
}

Deno.test("defaults: run, no flags, log info", () => {
  assert.deepEqual(parseCli([]), {
    command: "run",
    config: undefined,
    output: [],
    input: undefined,
    events: [],
    scope: [],
    policy: [],
    log: "info",
    logging: { level: "info", format: "text" },
    server: undefined,
    capabilities: { bypass: false, add: 0n, drop: 0n },
    enrichment: { environment: false },
    buffers: {},
    json: false,
    version: false,
    help: false,
  });
});

Deno.test("the README's examples parse as Tracee's", () => {
  const options = parseCli([
    "-e",
    "sched_process_*",
    "-e",
    "-sched_process_exit",
    "-c",
    "x.yaml",
    "-o",
    "json",
  ]);
  assert.deepEqual(options.events, ["sched_process_*", "-sched_process_exit"]);
  assert.equal(options.config, "x.yaml");
  assert.deepEqual(options.output, ["json"]);
  assert.deepEqual(parseCli(["--events", "-openat"]).events, ["-openat"]);
  assert.deepEqual(parseCli(["-s", "uid>=1000", "--scope=not-container"]).scope, [
    "uid>=1000",
    "not-container",
  ]);
});

Deno.test("commands: validate, list (and Tracee's list events), version and --version", () => {
  assert.equal(parseCli(["validate", "-o", "json"]).command, "validate");
  assert.equal(parseCli(["list"]).command, "list");
  assert.equal(parseCli(["list", "events", "--json"]).command, "list");
  assert.equal(parseCli(["version"]).command, "version");
  assert.equal(parseCli(["--version"]).command, "version");
  assert.equal(
    usageError(["bogus"]),
    'unexpected argument "bogus": the commands are validate, list, version',
  );
  assert.equal(
    usageError(["validate", "extra"]),
    'unexpected argument "validate extra": the commands are validate, list, version',
  );
});

Deno.test("bad values name the flag", () => {
  assert.equal(
    usageError(["--log", "loud"]),
    '--log: expected one of debug, info, warn, error (or level=, file=, format=), got "loud"',
  );
  assert.equal(usageError(["--server", "grpc"]).split(":")[0], "--server grpc");
  assert.match(
    usageError(["--capabilities", "add=cap_nope"]),
    /^--capabilities add=cap_nope: unknown capability/,
  );
  assert.equal(usageError(["--config="]), "--config: expected a file path, got an empty value");
  assert.equal(usageError(["--input", ""]), '--input: expected a file path or "-", got an empty value');
  assert.equal(usageError(["-j"]), "--json: applies to sluice list only");
  assert.equal(
    usageError(["--enrichment", "fd-paths"]),
    "--enrichment fd-paths: Tracee's fd-paths is not supported by sluice (sluice does not resolve descriptors to paths)",
  );
  assert.equal(
    usageError(["--enrichment", "environment=true"]),
    "--enrichment environment=true: invalid enrichment flag: environment=true; sluice takes environment",
  );
});

Deno.test("--enrichment environment: exec events carry the environment", () => {
  assert.deepEqual(parseCli(["--enrichment", "environment"]).enrichment, { environment: true });
});

Deno.test("--log and --logging forms add up, a later level winning; --server and --capabilities by their forms", () => {
  const options = parseCli(["-l", "debug", "--logging", "format=json", "--log", "level=warn"]);
  assert.equal(options.log, "warn");
  assert.deepEqual(options.logging, { level: "warn", format: "json" });
  assert.deepEqual(parseCli(["--server", "metrics", "--server", "http-address=:9000"]).server, {
    hostname: "0.0.0.0",
    port: 9000,
    metrics: true,
    healthz: false,
  });
  assert.equal(parseCli(["--capabilities", "bypass=true"]).capabilities.bypass, true);
});

Deno.test("every flag is in --help", () => {
  for (const flag of FLAGS) {
    assert.match(USAGE, new RegExp(`--${flag.name}\\b`));
    if ("short" in flag) assert.match(USAGE, new RegExp(`-${flag.short}, --${flag.name}`));
  }
});

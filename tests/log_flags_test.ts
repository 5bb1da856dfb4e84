import assert from "node:assert/strict";
import { parseLogFlags } from "../lib/cli/log_flags.ts";

Deno.test("--log: sluice's bare level and Tracee's --logging forms; a later value wins", () => {
  assert.deepEqual(parseLogFlags([]), { settings: { level: "info", format: "text" }, problems: [] });
  assert.deepEqual(parseLogFlags(["warn"]).settings.level, "warn");
  assert.deepEqual(parseLogFlags(["level=debug", "file=/tmp/s.log", "format=json"]), {
    settings: { level: "debug", format: "json", file: "/tmp/s.log" },
    problems: [],
  });
  assert.equal(parseLogFlags(["level=debug", "error"]).settings.level, "error");
  assert.equal(parseLogFlags(["level=fatal"]).settings.level, "error");
});

Deno.test("--log: bad values and Tracee options sluice does not have are refused by name", () => {
  const problems = (values: string[]) => parseLogFlags(values).problems;
  assert.deepEqual(problems(["verbose"]), [
    '--log: expected one of debug, info, warn, error (or level=, file=, format=), got "verbose"',
  ]);
  assert.match(problems(["level=loud"])[0], /--log level=loud: expected a level of debug, info, warn, error/);
  assert.match(problems(["file="])[0], /--log file=: expected a file path/);
  assert.match(problems(["format=xml"])[0], /expected format=text or format=json/);
  assert.match(problems(["aggregate"])[0], /Tracee's aggregate option is not supported by sluice/);
  assert.match(problems(["aggregate.flush-interval=5s"])[0], /aggregate option is not supported/);
  assert.match(problems(["filters.include.libbpf"])[0], /Tracee's filters option is not supported/);
});

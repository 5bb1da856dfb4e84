import assert from "node:assert/strict";
import { parseBuffersFlags } from "../lib/cli/buffers_flags.ts";
import { parseCli } from "../lib/cli/args.ts";

Deno.test("--buffers: kernel.events=PAGES, the last one given", () => {
  assert.deepEqual(parseBuffersFlags([]), { settings: {}, problems: [] });
  assert.deepEqual(parseBuffersFlags(["kernel.events=2048"]), {
    settings: { kernelEvents: 2048 },
    problems: [],
  });
  assert.deepEqual(parseCli(["--buffers", "kernel.events=1", "--buffers", "kernel.events=512"]).buffers, {
    kernelEvents: 512,
  });
});

Deno.test("--buffers: bad values as Tracee words them, Tracee's other buffers refused by name", () => {
  const problems = (value: string) => parseBuffersFlags([value]).problems;
  assert.deepEqual(problems("kernel.events"), [
    "--buffers kernel.events: invalid buffers flag: 'kernel.events', use 'sluice --help' for more info",
  ]);
  assert.deepEqual(problems("kernel.events=lots"), [
    "--buffers kernel.events=lots: invalid buffer flag: kernel.events value must be a positive integer, " +
    "use 'sluice --help' for more info",
  ]);
  assert.deepEqual(problems("kernel.events=0"), [
    "--buffers kernel.events=0: invalid buffer flag: kernel.events value can't be negative or zero, " +
    "use 'sluice --help' for more info",
  ]);
  assert.deepEqual(problems("kernel.events=262145"), [
    "--buffers kernel.events=262145: at most 262144 pages (sluice's ring buffer takes at most 1 GiB)",
  ]);
  assert.deepEqual(problems("pipeline=20000"), [
    "--buffers pipeline=20000: Tracee's pipeline buffer is not in sluice (each stream's queue is sized by " +
    "its buffer.size)",
  ]);
  assert.match(problems("kernel.artifacts=1024")[0], /Tracee's kernel.artifacts buffer is not in sluice/);
  assert.deepEqual(problems("kernel.other=1"), [
    "--buffers kernel.other=1: invalid buffers flag: 'kernel.other', sluice takes kernel.events=PAGES",
  ]);
  assert.throws(() => parseCli(["--buffers", "pipeline=1"]), /pipeline buffer is not in sluice/);
});

/**
 * The loader's report of a program the verifier refuses: a small object compiled here whose one
 * program walks 300 instructions (a verifier log far over 4 KiB) and then reads through a number.
 */

import assert from "node:assert/strict";
import { bpfTest } from "./_bpf.ts";
import { BpfLoadError, loadObject } from "../lib/bpf/loader.ts";
import { configureLog, flushLog } from "../lib/log.ts";

const REFUSED_C = `
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
char LICENSE[] SEC("license") = "GPL";
// The loader sizes this map to the CPU count, as it does sluice's own.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} scratch SEC(".maps");
SEC("raw_tp/sys_enter")
int refused(void *ctx)
{
	volatile unsigned long sum = 0;
#pragma unroll
	for (int i = 0; i < 300; i++)
		sum += i;
	return *(int *)sum;
}
`;

async function refusedObject(): Promise<Uint8Array<ArrayBuffer>> {
  const dir = await Deno.makeTempDir({ prefix: "sluice-loader-" });
  try {
    await Deno.writeTextFile(`${dir}/refused.bpf.c`, REFUSED_C);
    const clang = await new Deno.Command("clang", {
      args: [
        "-target",
        "bpf",
        "-O2",
        "-g",
        "-I/usr/include/x86_64-linux-gnu",
        "-c",
        "refused.bpf.c",
        "-o",
        "refused.o",
      ],
      cwd: dir,
      stderr: "piped",
    }).output();
    assert.ok(clang.success, new TextDecoder().decode(clang.stderr));
    return await Deno.readFile(`${dir}/refused.o`) as Uint8Array<ArrayBuffer>;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

bpfTest(
  "loader: a refused program's error names the verifier's reason, and --log debug shows its whole log",
  async () => {
    const object = await refusedObject();
    const lines: string[] = [];
    configureLog({ level: "debug", write: (line) => lines.push(line) });
    let error: unknown;
    try {
      loadObject(object, { programs: [], debug: true });
    } catch (e) {
      error = e;
    } finally {
      await flushLog();
      configureLog({ level: "info", write: (line) => console.error(line) });
    }
    assert.ok(error instanceof BpfLoadError, String(error));
    assert.match(
      error.message,
      /failed to load.*\(verifier: R1 invalid mem access 'scalar'\); rerun with --log debug/,
    );
    assert.ok(!error.message.includes("\n"), error.message);
    // The log is one message of libbpf's, far longer than one 4 KiB format buffer: all of it arrives.
    assert.ok(lines.some((line) => line.includes("BEGIN PROG LOAD LOG")), "the log's start is missing");
    assert.ok(
      lines.some((line) => line.includes("processed") && line.includes("insns")),
      "the log's end is missing",
    );
    assert.ok(lines.join("\n").length > 16 * 1024, `only ${lines.join("\n").length} characters of log`);
  },
);

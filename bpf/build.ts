/**
 * Builds bpf/build/sluice.bpf.o when it is missing, older than its sources, or when the record
 * header generated from lib/bpf/layout.ts and the catalog (bpf/build/record.h) changed: generates
 * vmlinux.h from the running kernel's BTF with bpftool, then compiles with clang.
 *
 * Run: `deno run --allow-read --allow-write --allow-run --allow-env bpf/build.ts [--force]`
 *
 * @module
 */

import { recordHeader } from "../lib/bpf/header.ts";

const here = import.meta.dirname!;
const out = `${here}/build`;
const object = `${out}/sluice.bpf.o`;
const vmlinux = `${out}/vmlinux.h`;
const header = `${out}/record.h`;
const sources = ["sluice.bpf.c", "maps.h", "writer.h", "path.h", "task.h", "args.h", "exec.h", "events.h"]
  .map((f) => `${here}/${f}`);
const btf = "/sys/kernel/btf/vmlinux";

const TOOLS: Record<string, string> = {
  clang: "clang",
  bpftool: "bpftool",
};

function mtime(path: string): number | undefined {
  try {
    return Deno.statSync(path).mtime?.getTime();
  } catch {
    return undefined;
  }
}

function fail(line: string): never {
  console.error(`build:bpf: ${line}`);
  Deno.exit(1);
}

async function run(command: string, args: string[], stdout?: string): Promise<void> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      fail(`${command} not found: install the Debian package ${TOOLS[command]}`);
    }
    throw error;
  }
  if (!output.success) {
    console.error(new TextDecoder().decode(output.stderr));
    fail(`${command} ${args.join(" ")} failed`);
  }
  if (stdout !== undefined) await Deno.writeFile(stdout, output.stdout);
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function upToDate(headerText: string): boolean {
  const built = mtime(object);
  if (built === undefined) return false;
  let current: string | undefined;
  try {
    current = Deno.readTextFileSync(header);
  } catch {
    return false;
  }
  return current === headerText && sources.every((s) => (mtime(s) ?? Infinity) <= built);
}

const headerText = recordHeader();
if (Deno.args.includes("--force") || !upToDate(headerText)) {
  if (!exists("/usr/include/bpf/bpf_helpers.h")) {
    fail("libbpf headers missing (/usr/include/bpf/bpf_helpers.h): install the Debian package libbpf-dev");
  }
  // Deno asks for --allow-all to stat under /sys/kernel: ask test(1) instead.
  if (!(await new Deno.Command("test", { args: ["-e", btf] }).output()).success) {
    fail(`${btf} missing: the kernel has no BTF (CONFIG_DEBUG_INFO_BTF=y is needed)`);
  }
  await Deno.mkdir(out, { recursive: true });
  await Deno.writeTextFile(header, headerText);
  if (!exists(vmlinux)) await run("bpftool", ["btf", "dump", "file", btf, "format", "c"], vmlinux);
  const temporary = `${object}.tmp`;
  await run("clang", [
    "-g",
    "-O2",
    "-Wall",
    "-target",
    "bpf",
    // v3: atomic exchange (the scratch slot's claim) and 32-bit registers.
    "-mcpu=v3",
    "-D__TARGET_ARCH_x86",
    "-I",
    out,
    "-c",
    `${here}/sluice.bpf.c`,
    "-o",
    temporary,
  ]);
  await Deno.rename(temporary, object);
  console.error(`build:bpf: built ${object}`);
}

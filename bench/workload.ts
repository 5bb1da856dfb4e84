/**
 * Builds bench/workload.c and bench/syscalls.c (the workload generator used by the eBPF benchmark
 * and tests) into bpf/build/workload when missing or older than its sources.
 *
 * @module
 */

const sources = ["workload.c", "syscalls.c"].map((f) => `${import.meta.dirname}/${f}`);
/** Path of the compiled workload generator. */
export const WORKLOAD = `${import.meta.dirname}/../bpf/build/workload`;

/** Compiles the workload generator if needed; returns its path. */
export async function buildWorkload(): Promise<string> {
  const built = await Deno.stat(WORKLOAD).then((s) => s.mtime?.getTime() ?? 0, () => 0);
  let changed = 0;
  for (const source of sources) {
    changed = Math.max(changed, (await Deno.stat(source)).mtime?.getTime() ?? Infinity);
  }
  if (built >= changed) return WORKLOAD;
  await Deno.mkdir(`${import.meta.dirname}/../bpf/build`, { recursive: true });
  const output = await new Deno.Command("clang", {
    args: ["-O2", "-Wall", "-o", WORKLOAD, ...sources],
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(`clang could not build the workload: ${new TextDecoder().decode(output.stderr).trim()}`);
  }
  return WORKLOAD;
}

/** Runs the workload generator with `args`; returns its stdout, trimmed. */
export async function runWorkload(args: string[]): Promise<string> {
  const output = await new Deno.Command(WORKLOAD, { args, stderr: "inherit" }).output();
  if (!output.success) throw new Error(`workload ${args.join(" ")} failed`);
  return new TextDecoder().decode(output.stdout).trim();
}

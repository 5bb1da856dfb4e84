/**
 * Shared by the eBPF tests: whether this host can run them, and the SLUICE_REQUIRE_BPF rule
 * (CI sets it; then a host that cannot run them fails the tests instead of skipping them).
 *
 * @module
 */

import { ALL_PROGRAMS } from "../lib/bpf/loader.ts";
import type { Event } from "../lib/events/event.ts";
import { type KernelSourceOptions, OBJECT_PATH, openKernelSource } from "../lib/source/bpf.ts";

/** True where a skip must be a failure. */
export const REQUIRED = Deno.env.get("SLUICE_REQUIRE_BPF") === "1";

async function unavailable(): Promise<string | undefined> {
  if (Deno.uid() !== 0) return "not root";
  const btf = await new Deno.Command("test", { args: ["-e", "/sys/kernel/btf/vmlinux"] }).output();
  if (!btf.success) return "no BTF (/sys/kernel/btf/vmlinux)";
  try {
    await Deno.stat(OBJECT_PATH);
  } catch {
    return `${OBJECT_PATH} missing (run deno task build:bpf)`;
  }
  return undefined;
}

/** Why eBPF tests cannot run here, or `undefined` when they can. */
export const UNAVAILABLE: string | undefined = await unavailable();

/** Registers an eBPF test: skipped with a visible reason when unavailable, failing when required. */
export function bpfTest(name: string, fn: () => Promise<void>): void {
  if (UNAVAILABLE === undefined) {
    Deno.test({ name, fn, sanitizeResources: false, sanitizeOps: false });
  } else if (REQUIRED) {
    Deno.test(name, () => {
      throw new Error(`SLUICE_REQUIRE_BPF=1 but eBPF cannot run here: ${UNAVAILABLE}`);
    });
  } else {
    console.log(`skipping eBPF test "${name}": ${UNAVAILABLE}`);
    Deno.test({ name, ignore: true, fn });
  }
}

async function bpftool(args: string[]): Promise<unknown> {
  let error = "";
  // A link or program that goes away while bpftool lists them can fail a listing: ask again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const output = await new Deno.Command("bpftool", { args: [...args, "--json"], stderr: "piped" }).output();
    if (output.success) return JSON.parse(new TextDecoder().decode(output.stdout));
    error = new TextDecoder().decode(output.stderr).trim();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`bpftool ${args.join(" ")} failed: ${error}`);
}

/** The text of a file under /proc or /sys, read with cat(1): Deno reads those only with --allow-all. */
export async function readSystemFile(path: string): Promise<string | undefined> {
  const output = await new Deno.Command("cat", { args: [path], stdout: "piped", stderr: "null" }).output();
  return output.success ? new TextDecoder().decode(output.stdout) : undefined;
}

/**
 * Ids of BPF programs with sluice's names (bpftool truncates names to 15 characters): the loaded
 * ones, or with `attached`, only those attached to their tracepoint (sluice loads before it attaches).
 */
export async function sluiceProgramIds(options: { attached?: boolean } = {}): Promise<Set<number>> {
  const programs = await bpftool(["prog", "show"]) as { id: number; name?: string }[];
  const names = new Set(ALL_PROGRAMS.map((n) => n.slice(0, 15)));
  const ids = programs.filter((p) => p.name !== undefined && names.has(p.name.slice(0, 15))).map((p) => p.id);
  if (!options.attached) return new Set(ids);
  const links = new Set((await bpftool(["link", "show"]) as { prog_id: number }[]).map((l) => l.prog_id));
  return new Set(ids.filter((id) => links.has(id)));
}

/**
 * The eBPF programs process `pid` holds, read from its descriptors' fdinfo; `attached`: only those a
 * link it holds attaches. Unlike a before/after diff of `bpftool prog show`, another tracer starting
 * at the same time (a second test run, a developer's sluice) is never counted as this one. Read by
 * grep: Deno's file APIs refuse /proc under the test task's permissions.
 */
export async function programIdsHeldBy(
  pid: number,
  options: { attached?: boolean } = {},
): Promise<Set<number>> {
  const script = 'cd "/proc/$1/fdinfo" 2>/dev/null && grep -H -e "^prog_id:" -e "^link_id:" -- * 2>/dev/null';
  const output = await new Deno.Command("sh", { args: ["-c", script, "sh", String(pid)], stdout: "piped" })
    .output();
  const byFd = new Map<string, { prog?: number; link: boolean }>();
  for (const line of new TextDecoder().decode(output.stdout).split("\n")) {
    const match = /^(\d+):(prog_id|link_id):\s+(\d+)$/.exec(line);
    if (match === null) continue;
    const entry = byFd.get(match[1]) ?? { link: false };
    if (match[2] === "prog_id") entry.prog = Number(match[3]);
    else entry.link = true;
    byFd.set(match[1], entry);
  }
  const ids = new Set<number>();
  for (const { prog, link } of byFd.values()) {
    if (prog !== undefined && (link || !options.attached)) ids.add(prog);
  }
  return ids;
}

/** Which of `ids` are still loaded once the kernel has had a moment (programs are freed after an RCU grace period). */
export async function stillLoaded(ids: Iterable<number>): Promise<number[]> {
  let left = [...ids];
  for (let i = 0; i < 20 && left.length > 0; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    const loaded = await sluiceProgramIds();
    left = left.filter((id) => loaded.has(id));
  }
  return left;
}

/** Traces `events` with the kernel source while `workload` runs, then stops it and returns what it yielded. */
export async function trace(
  events: string[],
  workload: () => Promise<void>,
  options: Omit<KernelSourceOptions, "events"> = {},
): Promise<Event[]> {
  const source = await openKernelSource({ ...options, events: new Set(events) });
  const collected: Event[] = [];
  const reading = (async () => {
    for await (const batch of source.batches()) collected.push(...batch);
  })();
  try {
    await workload();
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    source.stop();
    await reading;
  }
  return collected;
}

/** The uid and gid the adversarial tests run their workloads as (nobody). */
export const NOBODY = 65534;

/** Runs `command` with `args` as uid and gid {@link NOBODY} (setpriv); returns its pid and stdout. */
export async function asNobody(command: string, args: string[]): Promise<{ pid: number; stdout: string }> {
  const child = new Deno.Command("setpriv", {
    args: [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", command, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const output = await child.output();
  if (!output.success) throw new Error(`${command} as uid ${NOBODY} failed (exit ${output.code})`);
  return { pid: child.pid, stdout: new TextDecoder().decode(output.stdout).trim() };
}

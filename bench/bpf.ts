/**
 * `deno task bench:bpf`: the cost of tracing openat. One compiled workload does N openat+close
 * pairs (a) untraced, (b) traced by sluice (`-e openat`, block mode, json to /dev/null), and
 * (c) traced by bpftrace printing the same fields to /dev/null; then (d) untraced while one other
 * syscall event is enabled in sluice's kernel programs (the cost of the syscall hooks themselves),
 * and while every other one is (`all/one`: what enabling more events adds to an untraced syscall);
 * (e) traced by sluice with a narrow policy (`-s comm=...`) that wants none of the workload's opens:
 * the in-kernel scope filter against a host-wide storm. Prints each rate, the lost counts, sluice's
 * main-thread CPU time per event, and last `sluice/untraced ratio: X.XX`.
 *
 * Run as root: `deno task bench:bpf [N]` (default N = 500000).
 *
 * @module
 */

import { buildWorkload, runWorkload } from "./workload.ts";
import { EVENTS } from "../lib/events/catalog.ts";
import { openKernelSource } from "../lib/source/bpf.ts";

const N = Number(Deno.args[0] ?? 500_000);
const root = `${import.meta.dirname}/..`;
const target = `/tmp/sluice-bench-openat-${Deno.pid}`;
const decoder = new TextDecoder();
/** A syscall event the workload never makes. */
const ONE_OTHER = "ptrace";
/** Rounds of the untraced runs. */
const ROUNDS = 3;

const BPFTRACE_SCRIPT = `
tracepoint:syscalls:sys_enter_openat {
  @dirfd[tid] = args->dfd; @path[tid] = str(args->filename); @flags[tid] = args->flags; @mode[tid] = args->mode;
}
tracepoint:syscalls:sys_exit_openat /@flags[tid] >= 0/ {
  printf("{\\"ts\\":%llu,\\"pid\\":%d,\\"tid\\":%d,\\"uid\\":%d,\\"comm\\":\\"%s\\",\\"dirfd\\":%d,\\"pathname\\":\\"%s\\",\\"flags\\":%d,\\"mode\\":%d,\\"ret\\":%d}\\n",
    nsecs, pid, tid, uid, comm, @dirfd[tid], @path[tid], @flags[tid], @mode[tid], args->ret);
  delete(@dirfd[tid]); delete(@path[tid]); delete(@flags[tid]); delete(@mode[tid]);
}`;

/**
 * Ids of every loaded BPF program, or with `linked` of every program attached through a BPF link
 * (sluice's: it loads a program it attaches only for a moment; bpftrace attaches through perf events).
 */
async function programIds(linked = false): Promise<Set<number>> {
  const what = linked ? ["link", "show"] : ["prog", "show"];
  let output = await new Deno.Command("bpftool", { args: [...what, "--json"] }).output();
  // A link or program that goes away while bpftool lists them (other tracers on the host) fails a listing.
  for (let attempt = 0; attempt < 5 && !output.success; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    output = await new Deno.Command("bpftool", { args: [...what, "--json"] }).output();
  }
  if (!output.success) throw new Error(`bpftool ${what.join(" ")} failed: run the benchmark as root`);
  const listed = JSON.parse(decoder.decode(output.stdout)) as { id: number; prog_id: number }[];
  return new Set(listed.map((p) => linked ? p.prog_id : p.id));
}

/** Resolves once `count` programs not in `before` are attached (loaded, for bpftrace), or throws. */
async function attached(before: Set<number>, count: number, what: string, child: Deno.ChildProcess) {
  const linked = what === "sluice";
  let exited = false;
  child.status.then(() => exited = true);
  for (let i = 0; i < 300; i++) {
    const now = await programIds(linked);
    if ([...now].filter((id) => !before.has(id)).length >= count) return;
    if (exited) throw new Error(`${what} exited before attaching`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not attach within 30 s`);
}

/** CPU time (user + system, ms) of the main thread of process `pid`, from /proc (read with cat). */
async function mainThreadMs(pid: number): Promise<number> {
  const output = await new Deno.Command("cat", { args: [`/proc/${pid}/task/${pid}/stat`] }).output();
  // The fields after the command name, which is in parentheses and may hold spaces.
  const fields = decoder.decode(output.stdout).split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms (USER_HZ 100)
}

/** The workload's rate and its thread's CPU time per openat+close pair, kernel time included. */
async function measure(): Promise<{ rate: number; cpuNs: number }> {
  const [, rate, cpuNs] = (await runWorkload(["open", target, String(N)])).split(" ").map(Number);
  return { rate, cpuNs };
}

type Measured = { rate: number; cpuNs: number };

/** An untraced run while sluice's kernel programs hold `events` (the workload makes none of them). */
async function untracedWith(events: string[]): Promise<Measured> {
  const source = await openKernelSource({ events: new Set(events) });
  try {
    return await measure();
  } finally {
    source.stop();
  }
}

/** The median rate and the median CPU time per pair of `runs`. */
function median(runs: Measured[]): Measured {
  const middle = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1];
  return { rate: middle(runs.map((r) => r.rate)), cpuNs: middle(runs.map((r) => r.cpuNs)) };
}

/**
 * The untraced workload with no programs, with one other syscall event enabled and with `others`
 * all enabled, in ROUNDS interleaved rounds: what other processes do to the shared cores then
 * weighs on the three alike.
 */
async function untracedRounds(others: string[]): Promise<{ none: Measured; one: Measured; all: Measured }> {
  const runs: { none: Measured[]; one: Measured[]; all: Measured[] } = { none: [], one: [], all: [] };
  for (let round = 0; round < ROUNDS; round++) {
    runs.none.push(await measure());
    runs.one.push(await untracedWith([ONE_OTHER]));
    runs.all.push(await untracedWith(others));
  }
  return { none: median(runs.none), one: median(runs.one), all: median(runs.all) };
}

/** Runs the workload under a tracer started by `command`; stops it with SIGINT and returns its stderr. */
async function traced(what: string, command: Deno.Command, programs: number) {
  const before = await programIds(what === "sluice");
  const child = command.spawn();
  await attached(before, programs, what, child);
  const cpuBefore = await mainThreadMs(child.pid);
  const measured = await measure();
  // Let the reader catch up with what the workload left in the ring buffer.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const cpuMs = (await mainThreadMs(child.pid)) - cpuBefore;
  child.kill("SIGINT");
  const output = await child.output();
  return { rate: measured.rate, workloadNs: measured.cpuNs, cpuMs, stderr: decoder.decode(output.stderr) };
}

async function ensureTracefs(): Promise<boolean> {
  // mountpoint(1) rather than /proc/mounts, which Deno only reads with --allow-all.
  const mounted = await new Deno.Command("mountpoint", { args: ["-q", "/sys/kernel/tracing"] }).output();
  if (mounted.success) return false;
  // bpftrace reads tracepoint formats from tracefs; sluice itself does not need it.
  const mount = await new Deno.Command("mount", { args: ["-t", "tracefs", "nodev", "/sys/kernel/tracing"] })
    .output();
  if (!mount.success) {
    throw new Error("tracefs is not mounted and could not be mounted at /sys/kernel/tracing");
  }
  return true;
}

/** sluice tracing openat (with `extra` flags), json to /dev/null. */
function sluiceCommand(extra: string[]): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    // Deno asks for --allow-all to open anything under /dev, /dev/null included.
    args: [
      "run",
      "--allow-all",
      // As `deno task start` runs it (deno.json).
      "--v8-flags=--max-semi-space-size=16",
      `${root}/main.ts`,
      "-e",
      "openat",
      ...extra,
      "-o",
      "json:/dev/null",
    ],
    stdout: "null",
    stderr: "piped",
  });
}

function lostOf(stderr: string): string {
  const lost = /lost events: (\d+)/.exec(stderr);
  if (lost === null) throw new Error(`sluice printed no lost events count:\n${stderr}`);
  return lost[1];
}

await buildWorkload();
await Deno.writeTextFile(target, "sluice");
const mountedTracefs = await ensureTracefs();
try {
  console.log(`workload: ${N} openat+close pairs of ${target}`);
  // Nothing reads the ring buffer in the untraced runs: only the kernel programs' cost reaches the
  // workload. One event the workload never makes attaches the raw syscall hooks that any syscall
  // event needs; `all/one` is then what the number of events enabled adds to an untraced syscall.
  const others = EVENTS.filter((e) => e.syscall !== undefined && e.support.kind === "syscall")
    .map((e) => e.name).filter((name) => name !== "openat" && name !== "close");
  const { none: untraced, one, all } = await untracedRounds(others);
  console.log(
    `untraced: ${untraced.rate.toFixed(0)} openat/s, ${untraced.cpuNs} ns of CPU per pair ` +
      `(medians of ${ROUNDS} runs, as below)`,
  );

  const sluice = await traced("sluice", sluiceCommand([]), 2);
  const sluiceRate = sluice.rate.toFixed(0);
  const sluiceLost = lostOf(sluice.stderr);
  console.log(
    `sluice:   ${sluiceRate} openat/s, lost ${sluiceLost}, workload ${sluice.workloadNs} ns of CPU per pair`,
  );
  console.log(
    `sluice main thread: ${(sluice.cpuMs * 1000 / N).toFixed(2)} us of CPU per event (${N} events, ` +
      `10 ms clock ticks)`,
  );

  // bpftrace writes its "Lost N events" lines into its output: a file read afterwards, not /dev/null.
  const bpftraceOut = await Deno.makeTempFile({ prefix: "sluice-bench-bpftrace-" });
  const bpftrace = await traced(
    "bpftrace",
    new Deno.Command("bpftrace", {
      args: ["-o", bpftraceOut, "-e", BPFTRACE_SCRIPT],
      stdout: "null",
      stderr: "piped",
    }),
    2,
  );
  const bpftraceLost = [...(await Deno.readTextFile(bpftraceOut)).matchAll(/Lost (\d+) events/g)]
    .reduce((sum, m) => sum + Number(m[1]), 0);
  await Deno.remove(bpftraceOut);
  console.log(
    `bpftrace: ${
      bpftrace.rate.toFixed(0)
    } openat/s, lost ${bpftraceLost}, workload ${bpftrace.workloadNs} ns ` +
      `of CPU per pair`,
  );
  console.log(
    `untraced openat, ${ONE_OTHER} alone enabled: ${one.rate.toFixed(0)} openat/s, ${one.cpuNs} ns of CPU ` +
      `per pair (the syscall hooks: ${one.cpuNs - untraced.cpuNs} ns per pair, 4 hook runs)`,
  );
  const allRate = all.rate.toFixed(0);
  const allRatio = (all.rate / untraced.rate).toFixed(2);
  console.log(
    `untraced openat with the ${others.length} other syscall events enabled: ${allRate} openat/s ` +
      `(${allRatio} of none enabled), ${all.cpuNs} ns of CPU per pair`,
  );
  console.log(`all/one: ${(one.cpuNs / all.cpuNs).toFixed(2)} (CPU per untraced pair, one enabled over all)`);
  const narrow = await traced("sluice", sluiceCommand(["-s", "comm=no-such-comm"]), 2);
  const narrowRate = narrow.rate.toFixed(0);
  const narrowRatio = (narrow.rate / untraced.rate).toFixed(2);
  const narrowLost = lostOf(narrow.stderr);
  console.log(
    `sluice, narrow policy (-s comm=no-such-comm) against the openat storm: ${narrowRate} openat/s ` +
      `(${narrowRatio} of untraced), lost ${narrowLost}, workload ${narrow.workloadNs} ns of CPU per pair, ` +
      `main thread ${narrow.cpuMs} ms`,
  );
  console.log(`sluice/bpftrace ratio: ${(sluice.rate / bpftrace.rate).toFixed(2)}`);
  console.log(`sluice/untraced ratio: ${(sluice.rate / untraced.rate).toFixed(2)}`);
} finally {
  await Deno.remove(target).catch(() => {});
  if (mountedTracefs) await new Deno.Command("umount", { args: ["/sys/kernel/tracing"] }).output();
}

/**
 * The checks tools/vm_check.sh runs inside a VM booted on Debian's stock kernel: sluice traces
 * kernel modules loaded and freed (this host's kernel has no CONFIG_MODULES), starts with its
 * default event set on a kernel without sched_prepare_exec, and gives syscall events their
 * arguments. Prints `ok ...` or `FAIL ...` per check and `event {...}` per event checked; exits 1
 * when a check failed.
 *
 * @module
 */

import { programIdsHeldBy } from "../tests/_bpf.ts";
import { MAIN, START_FLAGS } from "../tests/_sluice.ts";
import { delay } from "../tests/_wait.ts";
import type { DataField, Event } from "../lib/events/event.ts";

/** One argument as Tracee's pkg/events/core.go defines it: name and the JSON key of its type. */
type Field = [name: string, type: keyof DataField];

// Tracee's module_load and module_free: ids 1085 and 1086, fields in this order.
const MODULE_LOAD: Field[] = [
  ["name", "str"],
  ["version", "str"],
  ["src_version", "str"],
  ["pathname", "str"],
  ["dev", "u_int32"],
  ["inode", "u_int64"],
  ["ctime", "u_int64"],
];
const MODULE_FREE: Field[] = MODULE_LOAD.slice(0, 3);

/** Small modules with no dependencies: one without a version, one with a version and a srcversion. */
const MODULES = ["dummy", "tcp_illinois"];

let failed = 0;

function check(ok: boolean, what: string): void {
  if (!ok) failed++;
  console.log(`${ok ? "ok" : "FAIL"} ${what}`);
}

interface Done {
  pid: number;
  code: number;
  stdout: string;
}

async function run(command: string, args: string[]): Promise<Done> {
  const child = new Deno.Command(command, { args, stdout: "piped", stderr: "inherit" }).spawn();
  const { code, stdout } = await child.output();
  return { pid: child.pid, code, stdout: new TextDecoder().decode(stdout).trim() };
}

/** Kernel-internal dev_t (major << 20 | minor) of a dev_t as stat(2) gives it. */
function kernelDev(dev: number): number {
  const major = ((dev >>> 8) & 0xfff) | Math.floor(dev / 2 ** 32) & ~0xfff;
  const minor = (dev & 0xff) | ((dev >>> 12) & 0xfff00);
  return major * 2 ** 20 + minor;
}

interface Traced {
  events: Event[];
  code: number;
  stderr: string;
  programs: number;
  /** Milliseconds from spawning sluice to its programs being attached. */
  startMs: number;
}

/**
 * Runs sluice with `args` and the `start` task's permissions, waits until the set of programs it
 * has attached stops growing, runs `workload`, stops it with SIGINT and reads its events back.
 */
async function traced(args: string[], workload: () => Promise<void>): Promise<Traced> {
  const dir = await Deno.makeTempDir();
  const output = `${dir}/events.json`;
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...START_FLAGS, MAIN, "-o", `json:${output}`, ...args],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let exited = false;
  child.status.then(() => exited = true);
  let attached = 0;
  let stable = 0;
  // Programs attach one after another once all are loaded: a second without a new one is the end.
  while (!exited && (attached === 0 || stable < 10)) {
    await delay(100);
    const now = (await programIdsHeldBy(child.pid, { attached: true })).size;
    stable = now === attached ? stable + 1 : 0;
    attached = now;
  }
  const startMs = Math.round(performance.now() - started - 1000);
  if (!exited) {
    await workload();
    // Sparse events wait in the ring buffer for the reader's next timed drain.
    await delay(500);
    child.kill("SIGINT");
  }
  const { code, stderr } = await child.output();
  const text = await Deno.readTextFile(output).catch(() => "");
  await Deno.remove(dir, { recursive: true });
  const events = text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as Event);
  return { events, code, stderr: new TextDecoder().decode(stderr), programs: attached, startMs };
}

/** Loads every program as sluice would, printing libbpf's log: for a run the kernel refused. */
const BPFTOOL_LOAD = "bpftool -d prog loadall bpf/build/sluice.bpf.o /sys/fs/bpf/sluice";

/** sluice's own lines at the default log level when all went well: its exit summary. */
const SUMMARY = /^sluice: (stream .*|destination .*|lost events: 0)$/;

/** Checks that sluice attached `programs` programs (any, when not given) and exited cleanly. */
function checkRun(what: string, run: Traced, programs?: number): void {
  check(
    run.code === 0 && run.programs > 0 && (programs === undefined || run.programs === programs),
    `${what}: attached ${run.programs} programs in ${run.startMs} ms, exit ${run.code}`,
  );
  const other = run.stderr.split("\n").filter((line) => line !== "" && !SUMMARY.test(line));
  check(
    other.length === 0,
    `${what}: nothing but the exit summary on stderr${other.map((l) => `\n  ${l}`).join("")}`,
  );
  // bpftool loads each program apart and prints each one's verifier log.
  if (run.code !== 0) {
    console.log(`  the verifier's log in full: SLUICE_VM_GUEST='${BPFTOOL_LOAD}' tools/vm_check.sh`);
  }
}

/** Checks that `event`'s fields are exactly `fields`, in order, each of its type. */
function checkShape(event: Event, fields: Field[], what: string): void {
  const got = (event.data ?? []).filter((f) => f.name !== "returnValue").map((f) =>
    `${f.name}:${Object.keys(f).find((k) => k !== "name")}`
  );
  const want = fields.map(([name, type]) => `${name}:${type}`);
  check(got.join(" ") === want.join(" "), `${what}: fields ${got.join(" ")} (Tracee: ${want.join(" ")})`);
}

function field(event: Event, name: string): DataField | undefined {
  return event.data?.find((f) => f.name === name);
}

function show(event: Event): void {
  console.log(`event ${JSON.stringify(event)}`);
}

/** What modinfo and stat(2) say of a module, as module_load should report it. */
interface ModuleFacts {
  name: string;
  version: string;
  srcversion: string;
  path: string;
  dev: number;
  inode: number;
  /** Nanoseconds since the epoch, as text: Deno's stat gives whole seconds here. */
  ctime: string;
}

async function moduleFacts(name: string): Promise<ModuleFacts> {
  const modinfo = async (key: string) => (await run("modinfo", ["-F", key, name])).stdout;
  const path = await Deno.realPath((await run("modinfo", ["-n", name])).stdout);
  const stat = await Deno.stat(path);
  const [seconds, fraction] = (await run("stat", ["-c", "%.9Z", path])).stdout.split(".");
  return {
    name,
    version: await modinfo("version"),
    srcversion: await modinfo("srcversion"),
    path,
    dev: kernelDev(stat.dev),
    inode: stat.ino ?? -1,
    ctime: String(BigInt(seconds) * 1_000_000_000n + BigInt(fraction)),
  };
}

async function modules(): Promise<void> {
  const facts = await Promise.all(MODULES.map(moduleFacts));
  const pids = new Map<string, number>();
  const run1 = await traced(["-e", "module_load,module_free"], async () => {
    for (const name of MODULES) {
      const load = await run("modprobe", [name]);
      check(load.code === 0, `modprobe ${name}`);
      pids.set(`load ${name}`, load.pid);
      const free = await run("rmmod", [name]);
      check(free.code === 0, `rmmod ${name}`);
      pids.set(`free ${name}`, free.pid);
    }
  });
  checkRun("sluice -e module_load,module_free", run1, 2);
  for (const fact of facts) {
    const named = (event: Event, kind: string) =>
      event.name === kind && field(event, "name")?.str === fact.name;
    const loads = run1.events.filter((e) => named(e, "module_load"));
    const frees = run1.events.filter((e) => named(e, "module_free"));
    check(
      loads.length === 1 && frees.length === 1,
      `${fact.name}: ${loads.length} module_load, ${frees.length} module_free`,
    );
    const load = loads[0];
    if (load !== undefined) {
      show(load);
      check(load.id === 1085, `${fact.name}: module_load id ${load.id} (Tracee: 1085)`);
      checkShape(load, MODULE_LOAD, `${fact.name}: module_load`);
      checkModuleNames(load, fact);
      check(
        field(load, "pathname")?.str === fact.path,
        `${fact.name}: pathname ${field(load, "pathname")?.str} (modinfo -n: ${fact.path})`,
      );
      check(
        field(load, "dev")?.u_int32 === fact.dev,
        `${fact.name}: dev ${field(load, "dev")?.u_int32} (stat: ${fact.dev})`,
      );
      check(
        field(load, "inode")?.u_int64 === String(fact.inode),
        `${fact.name}: inode ${field(load, "inode")?.u_int64} (stat: ${fact.inode})`,
      );
      check(
        field(load, "ctime")?.u_int64 === fact.ctime,
        `${fact.name}: ctime ${field(load, "ctime")?.u_int64} (stat: ${fact.ctime})`,
      );
      checkTask(load, "modprobe", pids.get(`load ${fact.name}`), `${fact.name}: module_load`);
    }
    const free = frees[0];
    if (free !== undefined) {
      show(free);
      check(free.id === 1086, `${fact.name}: module_free id ${free.id} (Tracee: 1086)`);
      checkShape(free, MODULE_FREE, `${fact.name}: module_free`);
      checkModuleNames(free, fact);
      checkTask(free, "rmmod", pids.get(`free ${fact.name}`), `${fact.name}: module_free`);
    }
  }
}

function checkModuleNames(event: Event, fact: ModuleFacts): void {
  const what = `${fact.name}: ${event.name}`;
  check(
    field(event, "version")?.str === fact.version,
    `${what}: version "${field(event, "version")?.str}" (modinfo: "${fact.version}")`,
  );
  check(
    field(event, "src_version")?.str === fact.srcversion,
    `${what}: src_version "${field(event, "src_version")?.str}" (modinfo: "${fact.srcversion}")`,
  );
}

function checkTask(event: Event, comm: string, pid: number | undefined, what: string): void {
  const thread = event.workload?.process?.thread;
  check(
    thread?.name === comm && event.workload?.process?.host_pid === pid,
    `${what}: by ${thread?.name} ${event.workload?.process?.host_pid} (ran ${comm} ${pid})`,
  );
}

/** The default event set: starts without sched_prepare_exec, and reports a chmod and a finit_module with their arguments. */
async function defaults(): Promise<void> {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/chmod-me`;
  await Deno.writeTextFile(file, "");
  let chmod: Done | undefined;
  let modprobe: Done | undefined;
  const result = await traced([], async () => {
    chmod = await run("chmod", ["600", file]);
    modprobe = await run("modprobe", ["dummy"]);
    await run("rmmod", ["dummy"]);
  });
  checkRun("sluice (default events)", result);
  // Whether this run showed anything about sluice leaving sched_prepare_exec out.
  const prepare = await Deno.stat("/sys/kernel/tracing/events/sched/sched_prepare_exec").then(
    () => "present",
    () => "absent",
  );
  console.log(`vm_check: the sched_prepare_exec tracepoint is ${prepare}`);
  const byPid = (pid: number | undefined) =>
    result.events.filter((e) => e.workload?.process?.host_pid === pid);
  const mode = byPid(chmod?.pid).find((e) => e.name === "fchmodat" && field(e, "pathname")?.str === file);
  check(mode !== undefined, `default: chmod(1)'s fchmodat of ${file}`);
  if (mode !== undefined) {
    show(mode);
    checkShape(
      mode,
      [["dirfd", "int32"], ["pathname", "str"], ["mode", "u_int32"], ["flags", "int32"]],
      "fchmodat",
    );
    check(
      field(mode, "mode")?.u_int32 === 0o600,
      `fchmodat: mode ${field(mode, "mode")?.u_int32} (0o600 = 384)`,
    );
    check(
      field(mode, "returnValue")?.int64 === "0",
      `fchmodat: returnValue ${field(mode, "returnValue")?.int64}`,
    );
  }
  const finit = byPid(modprobe?.pid).find((e) => e.name === "finit_module");
  check(finit !== undefined, "default: modprobe's finit_module");
  if (finit !== undefined) {
    show(finit);
    checkShape(finit, [["fd", "int32"], ["param_values", "str"], ["flags", "int32"]], "finit_module");
    check(
      field(finit, "returnValue")?.int64 === "0",
      `finit_module: returnValue ${field(finit, "returnValue")?.int64}`,
    );
  }
  const exec = byPid(modprobe?.pid).find((e) => e.name === "sched_process_exec");
  check(exec !== undefined, "default: modprobe's sched_process_exec");
  if (exec !== undefined) show(exec);
  await Deno.remove(dir, { recursive: true });
}

/** `-e openat`: cat(1)'s open of a file, with Tracee's arguments and its return value. */
async function openat(): Promise<void> {
  let cat: Done | undefined;
  const result = await traced(["-e", "openat"], async () => {
    cat = await run("cat", ["/etc/os-release"]);
  });
  checkRun("sluice -e openat", result, 2);
  const open = result.events.find((e) =>
    e.workload?.process?.host_pid === cat?.pid && field(e, "pathname")?.str === "/etc/os-release"
  );
  check(open !== undefined, "openat: cat(1)'s open of /etc/os-release");
  if (open === undefined) return;
  show(open);
  checkShape(
    open,
    [["dirfd", "int32"], ["pathname", "str"], ["flags", "int32"], ["mode", "u_int32"]],
    "openat",
  );
  check(
    field(open, "dirfd")?.int32 === -100,
    `openat: dirfd ${field(open, "dirfd")?.int32} (AT_FDCWD = -100)`,
  );
  check(
    Number(field(open, "returnValue")?.int64) >= 3,
    `openat: returnValue ${field(open, "returnValue")?.int64}`,
  );
}

const started = performance.now();
await modules();
await defaults();
await openat();
console.log(`vm_check: guest checks took ${Math.round(performance.now() - started)} ms, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);

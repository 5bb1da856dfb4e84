/**
 * The kernel source against the live kernel: real processes started by the test, their events
 * read back through lib/source/bpf.ts. (sluice ignores its own process, so every workload runs in
 * a child process.)
 */

import assert from "node:assert/strict";
import { bpfTest, programIdsHeldBy, stillLoaded, trace } from "./_bpf.ts";
import { buildWorkload, runWorkload } from "../bench/workload.ts";
import { type Event, findData, KERNEL_CONTEXT } from "../lib/events/event.ts";
import { KernelSourceError, openKernelSource } from "../lib/source/bpf.ts";
import { configureLog } from "../lib/log.ts";

async function sh(script: string, ...args: string[]): Promise<Deno.CommandOutput & { pid: number }> {
  const child = new Deno.Command("/bin/sh", { args: ["-c", script, ...args], stdout: "piped" }).spawn();
  const output = await child.output();
  return Object.assign(output, { pid: child.pid });
}

/**
 * The id of this process's cgroup v2: its folder's inode number under the cgroup2 root (the one
 * holding cgroup.controllers, unified or hybrid). Asked of a shell, which is in the same cgroup:
 * Deno reads /sys and /proc/self only with --allow-all.
 */
async function ownCgroupId(): Promise<number> {
  const script = `path=$(sed -n 's/^0:://p' /proc/self/cgroup)
for root in /sys/fs/cgroup /sys/fs/cgroup/unified; do
  [ -f "$root/cgroup.controllers" ] && exec stat -c %i "$root$path"
done
exit 1`;
  const output = await sh(script);
  assert(output.success, "no cgroup2 hierarchy at /sys/fs/cgroup or /sys/fs/cgroup/unified");
  return Number(new TextDecoder().decode(output.stdout));
}

const byName = (events: Event[], name: string) => events.filter((e) => e.name === name);

bpfTest("bpf source: exec, fork and exit of a shell with a unique argv marker", async () => {
  const marker = `sluice-marker-${crypto.randomUUID()}`;
  let outer = 0;
  const events = await trace(
    ["sched_process_exec", "sched_process_fork", "sched_process_exit", "execve"],
    async () => {
      // The outer shell forks the inner one; `; true` keeps it from exec'ing in place.
      const result = await sh(`/bin/sh -c 'exit 7' ${marker}; true`);
      outer = result.pid;
    },
  );
  const exec = byName(events, "sched_process_exec").find((e) =>
    (findData(e, "argv") as { value: string[] } | undefined)?.value.includes(marker)
  );
  assert(exec, "no sched_process_exec with the marker");
  const shell = await Deno.realPath("/bin/sh");
  assert.deepEqual(findData(exec, "pathname"), shell);
  assert.deepEqual(findData(exec, "cmdpath"), "/bin/sh");
  assert.deepEqual((findData(exec, "argv") as { value: string[] }).value, [
    "/bin/sh",
    "-c",
    "exit 7",
    marker,
  ]);
  const child = exec.workload!.process!.host_pid!;
  assert.deepEqual(exec.workload?.process?.executable?.path, shell);
  assert.deepEqual(exec.workload?.process?.ancestors?.[0].host_pid, outer);
  assert.deepEqual(exec.workload?.process?.thread?.name, "sh");

  const fork = byName(events, "sched_process_fork").find((e) => findData(e, "child_pid") === child);
  assert(fork, "no sched_process_fork for the inner shell");
  assert.deepEqual(findData(fork, "parent_pid"), outer);
  assert.deepEqual(fork.workload?.process?.host_pid, outer);

  const exit = byName(events, "sched_process_exit").find((e) => e.workload?.process?.host_pid === child);
  assert(exit, "no sched_process_exit for the inner shell");
  assert.deepEqual(findData(exit, "exit_code"), 7);
  assert.deepEqual(findData(exit, "process_group_exit"), true);

  const execve = byName(events, "execve").find((e) => e.workload?.process?.host_pid === child);
  assert(execve, "no execve event for the inner shell");
  assert.deepEqual(findData(execve, "pathname"), "/bin/sh");
  assert.deepEqual(findData(execve, "returnValue"), "0");
  assert.deepEqual(execve.workload?.process?.thread?.syscall, "execve");

  const context = exec[KERNEL_CONTEXT];
  assert(context && context.mount_ns > 0 && context.pid_ns > 0);
  // The header's task fields are the kernel's own: its cgroup (v2) is the test's, which it
  // inherited; its uid and comm are the shell's.
  assert.equal(context.cgroup_id, await ownCgroupId());
  assert.equal(exec.workload?.process?.real_user?.id, Deno.uid());
  assert.equal(exec.workload?.process?.thread?.name, "sh");
  assert(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,8}[1-9])?Z$/.test(exec.timestamp), exec.timestamp);
  const skew = Math.abs(Date.parse(exec.timestamp) - Date.now());
  assert(skew < 60_000, `timestamp ${exec.timestamp} is ${skew} ms away from now`);
});

bpfTest("bpf source: openat of a unique path and of a missing path, with return values", async () => {
  await buildWorkload();
  const dir = await Deno.makeTempDir();
  const path = `${dir}/sluice-open-${crypto.randomUUID()}`;
  await Deno.writeTextFile(path, "x");
  const missing = `${dir}/missing-${crypto.randomUUID()}`;
  let fd = "";
  let failed = "";
  const events = await trace(["openat"], async () => {
    fd = (await runWorkload(["open", path, "1"])).split(" ")[0];
    failed = (await runWorkload(["open", missing, "1"])).split(" ")[0];
  });
  await Deno.remove(dir, { recursive: true });
  const opened = byName(events, "openat").find((e) => findData(e, "pathname") === path);
  assert(opened, "no openat of the unique path");
  assert.deepEqual(findData(opened, "returnValue"), fd);
  assert.deepEqual(findData(opened, "flags"), 0);
  assert.deepEqual(findData(opened, "dirfd"), -100);
  assert.deepEqual(opened.workload?.process?.thread?.name, "workload");
  assert.deepEqual(opened.workload?.process?.thread?.syscall, "openat");
  const miss = byName(events, "openat").find((e) => findData(e, "pathname") === missing);
  assert(miss, "no openat of the missing path");
  assert.deepEqual(failed, "-2");
  assert.deepEqual(findData(miss, "returnValue"), "-2");
  assert.deepEqual(new Set(events.map((e) => e.name)), new Set(["openat"]), "only traced events are emitted");
});

bpfTest("bpf source: connect to a loopback listener, and net_tcp_connect", async () => {
  await buildWorkload();
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const accepting = (async () => {
    for await (const conn of listener) conn.close();
  })();
  let pid = 0;
  const events = await trace(["connect", "net_tcp_connect"], async () => {
    const child = new Deno.Command(
      await buildWorkload(),
      { args: ["connect", "127.0.0.1", String(port)], stdout: "piped" },
    ).spawn();
    pid = child.pid;
    const output = await child.output();
    assert.deepEqual(new TextDecoder().decode(output.stdout).trim(), "0");
  });
  listener.close();
  await accepting.catch(() => {});
  const connect = byName(events, "connect").find((e) => e.workload?.process?.host_pid === pid);
  assert(connect, "no connect event from the workload");
  assert.deepEqual(findData(connect, "addr"), {
    sa_family: "AF_INET",
    sin_addr: "127.0.0.1",
    sin_port: port,
  });
  assert.deepEqual(findData(connect, "returnValue"), "0");
  assert.deepEqual(findData(connect, "addrlen"), 16);
  const tcp = byName(events, "net_tcp_connect").find((e) => e.workload?.process?.host_pid === pid);
  assert(tcp, "no net_tcp_connect from the workload");
  assert.deepEqual(findData(tcp, "dst"), "127.0.0.1");
  assert.deepEqual(findData(tcp, "dst_port"), port);
});

bpfTest("bpf source: untraced events are not emitted; programs are detached after stop", async () => {
  const ours = new Set<number>();
  const events = await trace(["sched_process_exit"], async () => {
    // Held by this process: another sluice starting meanwhile (a parallel test run) is not ours.
    for (const id of await programIdsHeldBy(Deno.pid)) ours.add(id);
    await sh("exit 3");
  });
  assert(ours.size > 0, "no sluice program was listed by bpftool while tracing");
  assert(
    events.length > 0 && events.every((e) => e.name === "sched_process_exit"),
    "an untraced event was emitted",
  );
  assert.deepEqual(await stillLoaded(ours), [], "sluice programs still loaded after stop");
});

bpfTest("bpf source: stop ends batches while no event arrives; lost events are reported", async () => {
  const source = await openKernelSource({ events: new Set(["init_module"]) });
  const iterator = source.batches()[Symbol.asyncIterator]();
  const next = iterator.next();
  source.stop();
  assert.deepEqual((await next).done, true);
  assert.deepEqual(source.stats(), { "lost events": 0 });
});

bpfTest("bpf source: a stalled consumer: the kernel counts lost events, told while running", async () => {
  await buildWorkload();
  const source = await openKernelSource({ events: new Set(["openat"]) });
  const iterator = source.batches()[Symbol.asyncIterator]();
  // The first batch is taken, then nothing is asked for while the workload floods the ring buffer.
  const first = iterator.next();
  const path = `/tmp/sluice-lost-${crypto.randomUUID()}`;
  const lines: string[] = [];
  configureLog({ write: (line) => lines.push(line) });
  try {
    await runWorkload(["open", path, "300000"]);
    // The counter is read on a timer, not only when the consumer asks for more.
    for (let i = 0; i < 20 && !lines.some((l) => l.includes("records are being lost")); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    configureLog({ write: (line) => console.error(line) });
  }
  assert.match(lines.join("\n"), /kernel: records are being lost: \d+ so far/);
  assert((await first).done === false);
  const lost = source.stats()["lost events"];
  assert(lost > 0, `expected lost events after 300000 unread openat, got ${lost}`);
  let seen = 0;
  source.stop();
  for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
    seen += r.value.filter((e) => findData(e, "pathname") === path).length;
  }
  assert(seen > 0, "events read after the pause were lost too");
  assert(source.stats()["lost events"] >= lost);
});

Deno.test("bpf source: unknown event names are refused in one line", async () => {
  await assert.rejects(
    () => openKernelSource({ events: new Set(["no_such_event"]) }),
    (error: Error) =>
      error instanceof KernelSourceError && !error.message.includes("\n") &&
      error.message.includes("no_such_event"),
  );
});

bpfTest("bpf source: Tracee's fields of fork (threads too), exec and exit, signals included", async () => {
  const workload = await buildWorkload();
  const tmp = await Deno.realPath("/tmp");
  let shell = 0;
  let killed = 0;
  const events = await trace(["sched_process_fork", "sched_process_exec", "sched_process_exit"], async () => {
    // Forked by the shell: a fork by the test process, which is sluice's, is not reported.
    shell = (await sh(`cd ${tmp} && /bin/cat /dev/null; true`)).pid;
    killed = (await sh("kill -9 $$")).pid;
    await new Deno.Command(workload, { args: ["thread-exec", "/bin/true", "true"] }).output();
  });
  const fork = events.find((e) => e.name === "sched_process_fork" && findData(e, "parent_pid") === shell);
  assert(fork, "no fork by the shell");
  const cat = findData(fork, "child_pid") as number;
  assert.equal(findData(fork, "parent_tid"), shell);
  assert.equal(findData(fork, "child_tid"), cat);
  assert.equal(findData(fork, "leader_pid"), cat, "a new process leads itself");
  assert.equal(findData(fork, "leader_tid"), cat);
  assert.equal(findData(fork, "parent_process_pid"), shell);
  const start = BigInt(findData(fork, "start_time") as string);
  assert.equal(findData(fork, "leader_start_time"), String(start));
  assert(Math.abs(Number(start / 1_000_000n) - Date.now()) < 60_000, "start_time is not wall-clock time");
  assert.equal(findData(fork, "parent_process_start_time"), findData(fork, "parent_start_time"));

  const exec = events.find((e) => e.name === "sched_process_exec" && e.workload?.process?.host_pid === cat);
  assert(exec, "no exec of cat");
  assert.equal(findData(exec, "cmdpath"), "/bin/cat");
  assert.equal(findData(exec, "interp"), "/bin/cat");
  assert.equal(findData(exec, "prev_comm"), "sh");
  assert.equal(findData(exec, "pwd"), tmp);
  assert.equal(findData(exec, "stdin_path"), "/dev/null");
  assert.equal(findData(exec, "stdin_type"), 0o020000);
  assert.equal(findData(exec, "invoked_from_kernel"), false);
  assert.equal(findData(exec, "interpreter_pathname"), "", "needs a kprobe: zero-filled");
  assert.equal(exec.data!.length, 18);

  const thread = events.find((e) =>
    e.name === "sched_process_fork" && findData(e, "child_tid") !== findData(e, "child_pid") &&
    e.workload?.process?.thread?.name === "workload"
  );
  assert(thread, "no fork of the workload's thread");
  assert.equal(findData(thread, "leader_pid"), findData(thread, "child_pid"));
  assert.equal(findData(thread, "leader_tid"), findData(thread, "child_pid"), "the leader is the process");

  const exit = events.find((e) =>
    e.name === "sched_process_exit" && e.workload?.process?.host_pid === killed
  );
  assert(exit, "no exit of the killed shell");
  assert.deepEqual(exit.data, [
    { name: "exit_code", int32: 0 },
    { name: "signal_code", int32: 9 },
    { name: "process_group_exit", bool: true },
  ]);
  assert.equal(
    exit.workload?.process?.thread?.syscall,
    undefined,
    "a killed task's syscall cannot be trusted",
  );
});

/** max_entries of every loaded ring buffer called "events", by map id. */
async function eventRings(): Promise<Map<number, number>> {
  const output = await new Deno.Command("bpftool", { args: ["map", "show", "--json"] }).output();
  const maps = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    id: number;
    name: string;
    type: string;
    max_entries: number;
  }[];
  return new Map(
    maps.filter((m) => m.name === "events" && m.type === "ringbuf").map((m) => [m.id, m.max_entries]),
  );
}

bpfTest(
  "bpf source: --buffers kernel.events=PAGES sizes the ring buffer at PAGES pages per CPU",
  async () => {
    const before = await eventRings();
    const source = await openKernelSource({ events: new Set(["openat"]), ringPages: 3 });
    try {
      const made = [...await eventRings()].filter(([id]) => !before.has(id));
      // 3 pages on each possible CPU (libbpf's count), rounded up to a power of two.
      const possible = await new Deno.Command("cat", { args: ["/sys/devices/system/cpu/possible"] }).output();
      const cpus = Number(new TextDecoder().decode(possible.stdout).trim().split(/[-,]/).at(-1)) + 1;
      let expected = 4096;
      while (expected < 3 * 4096 * cpus) expected *= 2;
      // Another sluice on the host may have made a ring meanwhile: one of those made is ours.
      assert(
        made.some(([, size]) => size === expected),
        `rings made: ${JSON.stringify(made)}, expected ${expected}`,
      );
    } finally {
      source.stop();
    }
  },
);

/**
 * sluice end to end against the live kernel: main.ts started as a subprocess with a json file
 * destination, a scripted workload run by the test, sluice stopped with SIGINT, the file checked.
 */

import assert from "node:assert/strict";
import { bpfTest, programIdsHeldBy, readSystemFile, sluiceProgramIds, stillLoaded } from "./_bpf.ts";
import { buildWorkload, runWorkload } from "../bench/workload.ts";
import { type Event, findData } from "../lib/events/event.ts";
// START_FLAGS: the shipped start task's permissions; a run on the live kernel must work with exactly these.
import { MAIN, START_FLAGS } from "./_sluice.ts";

const TRACED = [
  "sched_process_exec",
  "sched_process_fork",
  "sched_process_exit",
  "openat",
  "connect",
  "net_tcp_connect",
];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Run {
  events: Event[];
  stderr: string;
  code: number;
  programs: Set<number>;
}

/** Starts sluice, waits until its programs are attached, runs `workload`, stops sluice with SIGINT. */
async function runSluice(args: string[], programs: number, workload: () => Promise<void>): Promise<Run> {
  const dir = await Deno.makeTempDir();
  const output = `${dir}/events.json`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...START_FLAGS, MAIN, "-o", `json:${output}`, ...args],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const ours = new Set<number>();
  let exited = false;
  child.status.then(() => exited = true);
  while (ours.size < programs) {
    assert(!exited, "sluice exited before attaching its programs");
    for (const id of await programIdsHeldBy(child.pid, { attached: true })) ours.add(id);
    await sleep(100);
  }
  try {
    await workload();
    // Sparse events wait in the ring buffer for the reader's next timed drain.
    await sleep(200);
  } finally {
    child.kill("SIGINT");
  }
  const { code, stderr } = await child.output();
  const text = await Deno.readTextFile(output);
  await Deno.remove(dir, { recursive: true });
  const events = text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as Event);
  return { events, stderr: new TextDecoder().decode(stderr), code, programs: ours };
}

bpfTest("sluice run: exec/fork/exit, openat, connect and net_tcp_connect land in the json file", async () => {
  const workload = await buildWorkload();
  const marker = `sluice-e2e-${crypto.randomUUID()}`;
  const dir = await Deno.makeTempDir();
  const path = `${dir}/open-${crypto.randomUUID()}`;
  const missing = `${dir}/missing-${crypto.randomUUID()}`;
  await Deno.writeTextFile(path, "x");
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const accepting = (async () => {
    for await (const conn of listener) conn.close();
  })();
  let shellPid = 0;
  let fd = "";
  let connectPid = 0;
  const run = await runSluice(["-e", TRACED.join(",")], 7, async () => {
    const shell = new Deno.Command("/bin/sh", { args: ["-c", "exit 7", marker] }).spawn();
    shellPid = shell.pid;
    assert.equal((await shell.status).code, 7);
    fd = (await runWorkload(["open", path, "1"])).split(" ")[0];
    assert.equal((await runWorkload(["open", missing, "1"])).split(" ")[0], "-2");
    const connect = new Deno.Command(workload, {
      args: ["connect", "127.0.0.1", String(port)],
      stdout: "piped",
    })
      .spawn();
    connectPid = connect.pid;
    assert.equal(new TextDecoder().decode((await connect.output()).stdout).trim(), "0");
  });
  listener.close();
  await accepting.catch(() => {});
  await Deno.remove(dir, { recursive: true });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /^sluice: lost events: \d+$/m);
  const { events } = run;

  const exec = events.find((e) =>
    e.name === "sched_process_exec" &&
    (findData(e, "argv") as { value: string[] } | undefined)?.value.includes(marker)
  );
  assert(exec, "no sched_process_exec with the argv marker");
  assert.equal(exec.workload?.process?.host_pid, shellPid);
  assert.equal(findData(exec, "pathname"), await Deno.realPath("/bin/sh"));
  assert.deepEqual(findData(exec, "argv"), { value: ["/bin/sh", "-c", "exit 7", marker] });
  assert.equal(exec.workload?.process?.ancestors?.[0].host_pid, Deno.pid);
  assert.equal(exec.workload?.process?.thread?.name, "sh");

  const exit = events.find((e) =>
    e.name === "sched_process_exit" && e.workload?.process?.host_pid === shellPid
  );
  assert(exit, "no sched_process_exit of the shell");
  assert.equal(findData(exit, "exit_code"), 7);
  assert.equal(exit.workload?.process?.thread?.name, "sh");

  const fork = events.find((e) => e.name === "sched_process_fork" && findData(e, "child_pid") === shellPid);
  assert(fork, "no sched_process_fork of the shell");
  assert.equal(findData(fork, "parent_pid"), Deno.pid);
  assert.equal(fork.workload?.process?.host_pid, Deno.pid);

  const opened = events.find((e) => e.name === "openat" && findData(e, "pathname") === path);
  assert(opened, "no openat of the unique path");
  assert.equal(findData(opened, "flags"), 0);
  assert.equal(findData(opened, "returnValue"), fd);
  assert.equal(opened.workload?.process?.thread?.name, "workload");
  const failed = events.find((e) => e.name === "openat" && findData(e, "pathname") === missing);
  assert(failed, "no openat of the missing path");
  assert.equal(findData(failed, "returnValue"), "-2");

  const connect = events.find((e) => e.name === "connect" && e.workload?.process?.host_pid === connectPid);
  assert(connect, "no connect of the workload");
  assert.deepEqual(findData(connect, "addr"), {
    sa_family: "AF_INET",
    sin_addr: "127.0.0.1",
    sin_port: port,
  });
  assert.equal(findData(connect, "returnValue"), "0");
  const tcp = events.find((e) =>
    e.name === "net_tcp_connect" && e.workload?.process?.host_pid === connectPid
  );
  assert(tcp, "no net_tcp_connect of the workload");
  assert.equal(findData(tcp, "dst"), "127.0.0.1");
  assert.equal(findData(tcp, "dst_port"), port);

  const names = new Set(events.map((e) => e.name));
  for (const name of names) assert(TRACED.includes(name), `untraced event ${name} was emitted`);
  assert.deepEqual(await stillLoaded(run.programs), [], "programs still loaded after sluice exited");
});

bpfTest("sluice run: an event that is not traced is not emitted", async () => {
  const marker = `sluice-e2e-${crypto.randomUUID()}`;
  const run = await runSluice(["-e", "sched_process_exit"], 1, async () => {
    await new Deno.Command("/bin/sh", { args: ["-c", "exit 3", marker] }).output();
  });
  assert.equal(run.code, 0, run.stderr);
  assert(run.events.length > 0, "no sched_process_exit at all");
  assert.deepEqual(new Set(run.events.map((e) => e.name)), new Set(["sched_process_exit"]));
});

bpfTest("sluice run: --enrichment environment puts the environment in exec events", async () => {
  const marker = `SLUICE_MARK=${crypto.randomUUID()}`;
  const run = await runSluice(["-e", "sched_process_exec", "--enrichment", "environment"], 1, async () => {
    await new Deno.Command("/usr/bin/env", { args: ["-i", marker, "/bin/true"] }).output();
  });
  assert.equal(run.code, 0, run.stderr);
  const exec = run.events.find((e) => findData(e, "cmdpath") === "/bin/true");
  assert(exec, "no exec of /bin/true");
  assert.deepEqual((findData(exec, "env") as { value: string[] }).value, [marker]);
});

bpfTest("sluice run: without CAP_BPF, one line says what is missing, exit 1, nothing attached", async () => {
  const dir = await Deno.makeTempDir();
  const before = await sluiceProgramIds();
  // Root without capabilities: an empty bounding set leaves the exec'd sluice none.
  const result = await new Deno.Command("setpriv", {
    args: [
      "--bounding-set=-all",
      "--inh-caps=-all",
      Deno.execPath(),
      "run",
      ...START_FLAGS,
      MAIN,
      "-e",
      "openat",
      "-o",
      `json:${dir}/events.json`,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  await Deno.remove(dir, { recursive: true });
  const stderr = new TextDecoder().decode(result.stderr).trim();
  assert.equal(result.code, 1, stderr);
  assert.equal(stderr.split("\n").length, 1, stderr);
  assert.match(stderr, /root or with CAP_BPF and CAP_PERFMON/);
  assert.deepEqual([...await sluiceProgramIds()].filter((id) => !before.has(id)), []);
});

bpfTest(
  "sluice run: SIGINT stops a run within seconds while an openat storm fills the ring buffer",
  async () => {
    const workload = await buildWorkload();
    const target = await Deno.makeTempFile({ prefix: "sluice-storm-" });
    let storm: Deno.ChildProcess | undefined;
    let stoppedAt = 0;
    const run = await runSluice(["-e", "openat"], 2, async () => {
      storm = new Deno.Command(workload, { args: ["open", target, "100000000"], stdout: "null" }).spawn();
      // Let the storm fill the ring buffer and the destination's queue.
      await sleep(2000);
      stoppedAt = performance.now();
    });
    const stoppedIn = performance.now() - stoppedAt;
    storm!.kill("SIGKILL");
    await storm!.status;
    await Deno.remove(target);
    assert.equal(run.code, 0, run.stderr);
    // A behaviour bound, not a speed goal: the 13-minute stop of issue 8 was unbounded.
    assert(stoppedIn < 20_000, `sluice took ${stoppedIn.toFixed(0)} ms to stop after SIGINT`);
    assert(run.events.length > 10_000, `only ${run.events.length} events during the storm`);
    assert.match(run.stderr, /lost events: \d+/);
  },
);

bpfTest(
  "sluice run: in a pid namespace of its own, sluice learns its host pid and never traces itself",
  async () => {
    const dir = await Deno.makeTempDir();
    const output = `${dir}/events.json`;
    const before = await sluiceProgramIds();
    // write and openat: were sluice to trace itself, its own output would feed back into it.
    const unshare = new Deno.Command("unshare", {
      args: [
        "--pid",
        "--fork",
        "--mount-proc",
        // Should the test fail before it stops sluice, sluice goes down with unshare.
        "--kill-child=SIGKILL",
        Deno.execPath(),
        "run",
        ...START_FLAGS,
        MAIN,
        "-e",
        "write,openat",
      ]
        .concat(["-o", `json:${output}`, "--log", "debug"]),
      stdout: "null",
      stderr: "piped",
    }).spawn();
    // Read stderr as it comes: a full pipe would block sluice's (synchronous) log writes.
    const stderr = new Response(unshare.stderr).text();
    let attached = false;
    for (let i = 0; i < 300 && !attached; i++) {
      await sleep(100);
      attached = [...await sluiceProgramIds({ attached: true })].some((id) => !before.has(id));
    }
    let shell = 0;
    let sluicePid = 0;
    try {
      const children = await readSystemFile(`/proc/${unshare.pid}/task/${unshare.pid}/children`) ?? "";
      sluicePid = Number(children.trim().split(" ")[0]);
      assert(sluicePid > 0, `no process under unshare: ${JSON.stringify(children)}`);
      if (attached) {
        const child = new Deno.Command("/bin/sh", { args: ["-c", "cat /etc/hostname"], stdout: "null" })
          .spawn();
        shell = child.pid;
        await child.status;
        await sleep(500);
      }
      Deno.kill(sluicePid, "SIGINT");
    } catch (error) {
      unshare.kill("SIGKILL");
      await unshare.status;
      throw error;
    }
    const { code } = await unshare.status;
    const text = await stderr;
    assert(attached, `sluice did not attach its programs: ${text.slice(-2000)}`);
    assert.equal(code, 0, text.slice(-2000));
    assert.match(text, new RegExp(`kernel: sluice is host pid ${sluicePid} \\(pid 1 in its namespace\\)`));
    const events = (await Deno.readTextFile(output)).split("\n").filter((l) => l !== "").map((l) =>
      JSON.parse(l)
    );
    await Deno.remove(dir, { recursive: true });
    assert(events.some((e: Event) => e.workload?.process?.host_pid === shell), "no event of the shell");
    const own = events.filter((e: Event) => e.workload?.process?.host_pid === sluicePid);
    assert.equal(
      own.length,
      0,
      `${own.length} of sluice's own events, e.g. ${JSON.stringify(own[0])?.slice(0, 300)}`,
    );
  },
);

bpfTest(
  "sluice run: SIGINT the moment its first program is loaded stops it cleanly (exit 0, summary), not killed",
  async () => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...START_FLAGS, MAIN, "-e", "openat", "-o", "none"],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    let exited = false;
    child.status.then(() => exited = true);
    // Loaded, not yet attached: sluice is still starting up.
    while ((await programIdsHeldBy(child.pid)).size === 0) {
      assert(!exited, "sluice exited before loading its programs");
      await sleep(5);
    }
    child.kill("SIGINT");
    const { code, stderr } = await child.output();
    const text = new TextDecoder().decode(stderr);
    assert.equal(code, 0, `exit ${code}: ${text}`);
    assert.match(text, /lost events: 0/);
  },
);

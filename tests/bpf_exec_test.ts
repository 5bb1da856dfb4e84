/**
 * exec against the live kernel, as an attacker would use it: reproductions of issue 8's findings,
 * each checked field by field against what the workload did.
 */

import assert from "node:assert/strict";
import { asNobody, bpfTest, NOBODY, trace } from "./_bpf.ts";
import { buildWorkload } from "../bench/workload.ts";
import { type Event, findData } from "../lib/events/event.ts";

const argvOf = (e: Event) => (findData(e, "argv") as { value: string[] }).value;

/** The events called `name` whose `field` is `value`. */
function withData(events: Event[], name: string, field: string, value: unknown): Event[] {
  return events.filter((e) => e.name === name && findData(e, field) === value);
}

bpfTest(
  "bpf exec: a failed exec with 29 crafted arguments and a 300-byte path cannot forge the header",
  async () => {
    const workload = await buildWorkload();
    // Issue 8.1: with these lengths the old argv copy wrapped onto the record header and the event
    // came out as uid 0, comm sshd, returnValue 0.
    const lengths = [
      255,
      254,
      253,
      40,
      255,
      1,
      255,
      128,
      255,
      255,
      200,
      255,
      64,
      255,
      255,
      255,
      17,
      255,
      255,
      3,
      255,
      255,
      99,
      255,
      255,
      255,
      255,
      180,
      255,
    ];
    const args = lengths.map((n, i) => String.fromCharCode(97 + (i % 26)).repeat(n));
    args[5] = "sshd";
    const missing = `/tmp/sluice-forge-${crypto.randomUUID()}/${"p".repeat(300 - 56)}`;
    let result = { pid: 0, stdout: "" };
    const events = await trace(["execve"], async () => {
      result = await asNobody(workload, ["exec", missing, ...args]);
    });
    assert.equal(result.stdout, "-2");
    const [event, ...others] = withData(events, "execve", "pathname", missing);
    assert(event, "no execve event of the missing path");
    assert.equal(others.length, 0);
    assert.equal(event.workload?.process?.real_user?.id, NOBODY);
    assert.equal(event.workload?.process?.host_pid, result.pid);
    assert.equal(event.workload?.process?.thread?.name, "workload");
    assert.equal(findData(event, "returnValue"), "-2");
    assert.deepEqual(argvOf(event), args);
    assert.equal(event.truncated, undefined);
  },
);

const decoder = new TextDecoder();

async function run(command: string, args: string[], cwd?: string): Promise<{ pid: number; stdout: string }> {
  const child = new Deno.Command(command, { args, cwd, stdout: "piped" }).spawn();
  const output = await child.output();
  return { pid: child.pid, stdout: decoder.decode(output.stdout).trim() };
}

bpfTest(
  "bpf exec: argv of 5,000 and 30,000 bytes arrives whole in execve and sched_process_exec",
  async () => {
    const marker = crypto.randomUUID();
    const long = [marker, "x".repeat(5000), "y".repeat(25000)];
    const events = await trace(["execve", "sched_process_exec"], async () => {
      await run("/bin/true", long);
    });
    for (const name of ["execve", "sched_process_exec"]) {
      const event = events.find((e) => e.name === name && argvOf(e)[1] === marker);
      assert(event, `no ${name} with the marker`);
      assert.deepEqual(argvOf(event), ["/bin/true", ...long]);
      assert.equal(event.truncated, undefined);
    }
  },
);

bpfTest(
  "bpf exec: argv past its bound keeps its start, ends with ... and is named in truncated",
  async () => {
    const marker = crypto.randomUUID();
    const args = [marker, "a".repeat(20000), "b".repeat(20000), "c"];
    const events = await trace(["execve", "sched_process_exec"], async () => {
      await run("/bin/true", args);
    });
    for (const name of ["execve", "sched_process_exec"]) {
      const event = events.find((e) => e.name === name && argvOf(e)[1] === marker);
      assert(event, `no ${name} with the marker`);
      const argv = argvOf(event);
      assert.deepEqual(argv.slice(0, 3), ["/bin/true", marker, "a".repeat(20000)]);
      assert.equal(argv.at(-1), "...");
      assert(argv.length === 5 && "b".repeat(20000).startsWith(argv[3]), "the cut element is a prefix");
      assert.deepEqual(event.truncated, ["argv"]);
    }
  },
);

bpfTest("bpf exec: a failed exec's 100 arguments of 300 bytes arrive whole", async () => {
  const workload = await buildWorkload();
  const missing = `/tmp/sluice-missing-${crypto.randomUUID()}`;
  const args = Array.from({ length: 100 }, (_, i) => `${i}`.padEnd(300, "z"));
  const events = await trace(["execve"], async () => {
    await asNobody(workload, ["exec", missing, ...args]);
  });
  const [event] = withData(events, "execve", "pathname", missing);
  assert(event, "no execve of the missing path");
  assert.deepEqual(argvOf(event), args);
  assert.equal(findData(event, "returnValue"), "-2");
});

bpfTest(
  "bpf exec: a successful execveat is reported, with fexecve and with a directory and a name",
  async () => {
    const workload = await buildWorkload();
    const marker = crypto.randomUUID();
    let fexec = { pid: 0, stdout: "" };
    let at = { pid: 0, stdout: "" };
    const events = await trace(["execveat", "execve"], async () => {
      fexec = await run(workload, ["fexec", "/bin/echo", "echo", `f${marker}`]);
      at = await run(workload, ["execat", "/bin", "echo", "echo", `a${marker}`]);
    });
    assert.equal(fexec.stdout, `f${marker}`);
    const byPid = (pid: number) => events.filter((e) => e.workload?.process?.host_pid === pid);
    const [f] = byPid(fexec.pid).filter((e) => e.name === "execveat");
    assert(f, "no execveat of fexecve");
    assert.deepEqual(f.data?.map((d) => d.name), [
      "dirfd",
      "pathname",
      "argv",
      "envp",
      "flags",
      "returnValue",
    ]);
    assert.equal(findData(f, "pathname"), "");
    assert.deepEqual(argvOf(f), ["echo", `f${marker}`]);
    assert.equal(findData(f, "flags"), 0x1000);
    assert.equal(findData(f, "returnValue"), "0");
    assert.equal(f.workload?.process?.executable?.path, await Deno.realPath("/bin/echo"));
    const [a] = byPid(at.pid).filter((e) => e.name === "execveat");
    assert(a, "no execveat with a directory and a name");
    assert.equal(findData(a, "pathname"), "echo");
    assert.equal(findData(a, "flags"), 0);
    const asExecve = events.filter((e) => e.name === "execve" && argvOf(e)[0] === "echo");
    assert.equal(asExecve.length, 0, "reported as execve too");
  },
);

bpfTest("bpf exec: an exec from a thread that is not the leader keeps its pathname", async () => {
  const workload = await buildWorkload();
  const marker = crypto.randomUUID();
  let result = { pid: 0, stdout: "" };
  const events = await trace(["execve"], async () => {
    result = await run(workload, ["thread-exec", "/bin/echo", "echo", marker]);
  });
  assert.equal(result.stdout, marker);
  const event = events.find((e) => e.name === "execve" && argvOf(e)[1] === marker);
  assert(event, "no execve from the thread");
  assert.equal(findData(event, "pathname"), "/bin/echo");
  assert.equal(findData(event, "returnValue"), "0");
  assert.equal(event.workload?.process?.host_pid, result.pid);
  assert.equal(event.workload?.process?.host_pid, event.workload?.process?.thread?.host_tid);
});

bpfTest(
  "bpf exec: a memfd's path is the kernel's /memfd:NAME (deleted), as /proc/PID/exe reads",
  async () => {
    const workload = await buildWorkload();
    const name = `sluice-${crypto.randomUUID().slice(0, 8)}`;
    let result = { pid: 0, stdout: "" };
    const events = await trace(["sched_process_exec", "execveat", "openat"], async () => {
      result = await run(workload, [
        "memfd-exec",
        name,
        "/bin/dash",
        "sh",
        "-c",
        "readlink /proc/$$/exe; cat /dev/null",
      ]);
    });
    assert.equal(result.stdout, `/memfd:${name} (deleted)`);
    const mine = events.filter((e) => e.workload?.process?.host_pid === result.pid);
    const exec = mine.filter((e) => e.name === "sched_process_exec").at(-1);
    assert(exec, "no sched_process_exec of the memfd");
    assert.equal(findData(exec, "pathname"), result.stdout);
    assert.equal(exec.workload?.process?.executable?.path, result.stdout);
    const execveat = mine.find((e) => e.name === "execveat");
    assert.equal(execveat?.workload?.process?.executable?.path, result.stdout);
  },
);

bpfTest(
  "bpf exec: paths 64 directories deep arrive whole; past PATH_BYTES the tail is kept and marked",
  async () => {
    const workload = await buildWorkload();
    const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "sluice-deep-" }));
    const long = "n".repeat(200);
    const events = await trace(["sched_process_exec"], async () => {
      await run(workload, ["deep-exec", base, "d", "64", "/bin/true", "true"]);
      await run(workload, ["deep-exec", base, long, "25", "/bin/true", "true"]);
    });
    // rm(1) walks a tree deeper than one path can name; Deno's remove does not.
    await run("/bin/rm", ["-rf", base]);
    const whole = `${base}/${Array(64).fill("d").join("/")}/prog`;
    const full = `${base}/${Array(25).fill(long).join("/")}/prog`;
    assert(full.length > 5000);
    const execs = events.filter((e) =>
      e.name === "sched_process_exec" && findData(e, "cmdpath") === "./prog"
    );
    const found = execs.find((e) => findData(e, "pathname") === whole);
    assert(found, "no exec with the whole 64-directory path");
    assert.equal(found.workload?.process?.executable?.path, whole);
    assert.equal(found.truncated, undefined);
    const cut = execs.find((e) => e.truncated?.includes("pathname"));
    assert(cut, "the 5,000-byte path was not marked cut");
    const path = findData(cut, "pathname") as string;
    assert(
      path.length < 4096 && full.endsWith(path),
      `the cut path is not the path's tail: ${path.slice(0, 80)}`,
    );
    assert.equal(cut.workload?.process?.executable?.path, path);
    assert.deepEqual(cut.truncated, ["executable.path", "pathname", "pwd"]);
  },
);

bpfTest("bpf exec: an openat path over 4,095 bytes is cut and marked; the kernel refused it", async () => {
  const workload = await buildWorkload();
  const path = `/tmp/${crypto.randomUUID()}/${"q".repeat(5000)}`;
  let result = "";
  const events = await trace(["openat"], async () => {
    result = (await run(workload, ["open", path, "1"])).stdout;
  });
  assert.equal(result.split(" ")[0], "-36");
  const event = events.find((e) => path.startsWith(String(findData(e, "pathname"))) && e.truncated);
  assert(event, "no cut openat of the long path");
  assert.equal((findData(event, "pathname") as string).length, 4095);
  assert.deepEqual(event.truncated, ["pathname"]);
  assert.equal(findData(event, "returnValue"), "-36");
});

bpfTest("bpf exec: with only openat traced, opens after an exec carry the new executable", async () => {
  const file = await Deno.makeTempFile({ prefix: "sluice-exe-" });
  let pid = 0;
  const events = await trace(["openat"], async () => {
    pid = (await run("/bin/sh", ["-c", `exec /bin/cat ${file}`])).pid;
  });
  const opened = events.find((e) =>
    e.workload?.process?.host_pid === pid && findData(e, "pathname") === file
  );
  assert(opened, "no openat of the file");
  assert.equal(opened.workload?.process?.executable?.path, await Deno.realPath("/bin/cat"));
  await Deno.remove(file);
});

bpfTest("bpf exec: a piped stdin is named as the kernel names it, pipe:[INODE]", async () => {
  let pid = 0;
  let link = "";
  const events = await trace(["sched_process_exec"], async () => {
    const child = new Deno.Command("/bin/sh", {
      args: ["-c", "readlink /proc/$$/fd/0"],
      stdin: "piped",
      stdout: "piped",
    }).spawn();
    await child.stdin.close();
    pid = child.pid;
    link = decoder.decode((await child.output()).stdout).trim();
  });
  assert.match(link, /^pipe:\[\d+\]$/);
  const exec = events.find((e) => e.name === "sched_process_exec" && e.workload?.process?.host_pid === pid);
  assert(exec, "no exec of the shell");
  assert.equal(findData(exec, "stdin_path"), link);
  assert.equal(findData(exec, "stdin_type"), 0o010000);
});

bpfTest(
  "bpf exec: a record that fills up keeps every field whole up to the bound and marks the rest",
  async () => {
    const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "sluice-full-" }));
    // A folder whose program path is exactly 4,095 bytes: exec's own path limit.
    const relative = ["f", ...Array(21).fill("n".repeat(200))].join("/").slice(
      0,
      4095 - base.length - "/".length - "/t".length,
    )
      .replace(/\/$/, "x");
    await new Deno.Command("/bin/sh", {
      args: ["-c", `mkdir -p '${relative}' && cp /bin/true '${relative}/t'`],
      cwd: base,
    })
      .output();
    const program = `${base}/${relative}/t`;
    assert.equal(program.length, 4095);
    const marker = crypto.randomUUID();
    // argv just within ARGV_BYTES and the environment at ENV_BYTES: with six paths of 4,095 bytes
    // the record passes RECORD_BYTES.
    const args = [marker, ...Array(7).fill("a".repeat(4000)), "b".repeat(500)];
    const env = { BIG: "e".repeat(9000) };
    const events = await trace(["sched_process_exec"], async () => {
      await new Deno.Command("/bin/sh", {
        args: ["-c", `exec '${program}' "$@" < '${program}'`, "sh", ...args],
        cwd: `${base}/${relative}`,
        env,
        clearEnv: true,
      }).output();
    }, { execEnv: true });
    await new Deno.Command("/bin/rm", { args: ["-rf", base] }).output();
    const exec = events.find((e) => argvOf(e)[1] === marker);
    assert(exec, "no exec of the program");
    for (const field of ["cmdpath", "pathname", "interp", "stdin_path"]) {
      assert.equal(
        findData(exec, field),
        program,
        field,
      );
    }
    assert.equal(exec.workload?.process?.executable?.path, program);
    assert.deepEqual(argvOf(exec), [program, ...args]);
    assert.equal(findData(exec, "prev_comm"), "sh");
    // What did not fit is named, and what is there is the start of the value.
    assert(exec.truncated !== undefined && exec.truncated.length > 0, "nothing marked in a full record");
    for (const name of exec.truncated) assert(["env", "pwd"].includes(name), `${name} cut`);
    const pwd = findData(exec, "pwd") as string;
    assert(`${base}/${relative}`.endsWith(pwd), "a cut pwd is not the path's tail");
    const kept = (findData(exec, "env") as { value: string[] }).value;
    assert(
      kept.every((v, i) =>
        i === kept.length - 1 ? v === "..." || `BIG=${env.BIG}`.startsWith(v) : `BIG=${env.BIG}`.startsWith(v)
      ),
    );
  },
);

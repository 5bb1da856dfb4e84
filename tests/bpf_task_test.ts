/**
 * The task side of every record (bpf/task.h) against an unprivileged user who bends it: the
 * executable's path cache, pid namespaces nested to the kernel's limit.
 */

import assert from "node:assert/strict";
import { asNobody, bpfTest, NOBODY, trace } from "./_bpf.ts";
import { buildWorkload } from "../bench/workload.ts";
import { type Event, findData } from "../lib/events/event.ts";

/** Runs `count` calls of `fn`, `width` at a time. */
async function inParallel(count: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

/** The executable paths of each process's `name` events, in order, by host pid. */
function executablesByPid(events: Event[], name: string): Map<number, (string | undefined)[]> {
  const seen = new Map<number, (string | undefined)[]>();
  for (const e of events) {
    const process = e.workload?.process;
    const pid = process?.host_pid;
    if (e.name !== name || process?.real_user?.id !== NOBODY || pid === undefined) continue;
    seen.set(pid, [...(seen.get(pid) ?? []), process.executable?.path]);
  }
  return seen;
}

bpfTest(
  "bpf task: the executable is the one running, not one cached at the same file and dentry addresses",
  async () => {
    const workload = await buildWorkload();
    // memfd "innocent", the workload's file, memfd "evil": the first memfd's file and dentry are
    // freed in between and the last one's can take their addresses (with two chains at a time, a
    // quarter of them did).
    const trials = 200;
    const pids = new Set<number>();
    const events = await trace(["getpid"], async () => {
      await inParallel(trials, 2, async () => {
        pids.add((await asNobody(workload, ["exe-chain", "innocent", "evil"])).pid);
      });
    });
    const seen = executablesByPid(events, "getpid");
    const chains = [...pids].map((pid) => seen.get(pid)?.join(",") ?? "none");
    const wrong = chains.filter((c) => c !== "/memfd:innocent (deleted),/memfd:evil (deleted)");
    assert.deepEqual(wrong, [], `${wrong.length} of ${trials} chains reported another executable`);
  },
);

bpfTest(
  "bpf task: an executable renamed, then unlinked, while it runs is named as /proc/PID/exe names it",
  async () => {
    const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "sluice-exe-" }));
    await Deno.chmod(dir, 0o777);
    const program = `${dir}/evil`;
    await Deno.copyFile("/bin/dash", program);
    await Deno.chmod(program, 0o777);
    for (const m of ["m1", "m2", "m3"]) await Deno.writeTextFile(`${dir}/${m}`, m);
    // The shell opens m1, renames itself and opens m2, unlinks itself and opens m3: the kernel's
    // name of its executable changes each time, its file and dentry do not.
    const script = `exec 3<"$1/m1"; mv "$1/evil" "$1/renamed"; exec 4<"$1/m2"; readlink /proc/$$/exe; ` +
      `rm "$1/renamed"; exec 5<"$1/m3"; readlink /proc/$$/exe`;
    let result = { pid: 0, stdout: "" };
    const events = await trace(["openat"], async () => {
      result = await asNobody(program, ["-c", script, "sh", dir]);
    });
    await Deno.remove(dir, { recursive: true });
    const [renamed, deleted] = result.stdout.split("\n");
    assert.deepEqual([renamed, deleted], [`${dir}/renamed`, `${dir}/renamed (deleted)`]);
    const opened = (m: string) => {
      const event = events.find((e) =>
        e.workload?.process?.host_pid === result.pid &&
        findData(e, "pathname") === `${dir}/${m}`
      );
      assert(event, `no openat of ${m}`);
      return event.workload?.process?.executable?.path;
    };
    assert.deepEqual([opened("m1"), opened("m2"), opened("m3")], [program, renamed, deleted]);
  },
);

bpfTest("bpf task: pid and tid at pid namespace level 32, the kernel's deepest", async () => {
  const marker = await Deno.makeTempFile({ prefix: "sluice-nest-" });
  await Deno.chmod(marker, 0o644);
  // Each level execs unshare, whose child is the next level's init; the last opens the marker.
  const nest = `if [ "$1" -gt 0 ]; then exec unshare -pf /bin/sh -c "$0" "$0" $(($1 - 1)) "$2"; fi; ` +
    `exec 3<"$2"; echo $$`;
  let result = { pid: 0, stdout: "" };
  const events = await trace(["openat"], async () => {
    result = await asNobody("unshare", ["-Ur", "/bin/sh", "-c", nest, nest, "32", marker]);
  });
  await Deno.remove(marker);
  assert.equal(result.stdout, "1");
  const opened = events.find((e) => findData(e, "pathname") === marker);
  assert(opened, "no openat of the marker");
  const process = opened.workload?.process;
  assert.equal(process?.real_user?.id, NOBODY);
  assert.deepEqual([process?.pid, process?.thread?.tid], [1, 1]);
  assert.notEqual(process?.host_pid, 1);
});

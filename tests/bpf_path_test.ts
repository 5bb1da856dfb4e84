/**
 * Paths resolved in the kernel (bpf/path.h) as an unprivileged user can bend them: stacked mounts
 * that outlast the walk, a running executable unlinked, pseudo files as stdin. Each path is checked
 * against what the kernel itself says (/proc/PID/exe, /proc/PID/fd/0), or is marked cut.
 */

import assert from "node:assert/strict";
import { asNobody, bpfTest, NOBODY, trace } from "./_bpf.ts";
import { type Event, findData } from "../lib/events/event.ts";

/** The sched_process_exec of host pid `pid`, the last one when it exec'd more than once. */
function execOf(events: Event[], pid: number): Event {
  const exec = events.filter((e) => e.name === "sched_process_exec" && e.workload?.process?.host_pid === pid)
    .at(-1);
  assert(exec, `no sched_process_exec of pid ${pid}`);
  return exec;
}

/** A folder that uid {@link NOBODY} may use, removed after `fn`. */
async function withSharedDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "sluice-path-" }));
  await Deno.chmod(dir, 0o777);
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

bpfTest(
  "bpf path: a walk that runs out of steps on 2,100 stacked mounts marks pathname, executable, pwd and stdin cut",
  async () => {
    await withSharedDir(async (dir) => {
      const program = `${dir}/a/usr/bin/sudo`;
      await Deno.mkdir(`${dir}/a/usr/bin`, { recursive: true, mode: 0o777 });
      await Deno.copyFile("/bin/true", program);
      await Deno.chmod(program, 0o755);
      // Each bind mount is one more step of the walk up to the root: past PATH_DEPTH it ends early
      // at a path that names another file (/usr/bin/sudo), which only a cut mark tells apart.
      const script =
        `i=0; while [ $i -lt 2100 ]; do mount --bind "$1/a" "$1/a" || exit 9; i=$((i+1)); done; ` +
        `cd "$1/a/usr" && echo $$ && exec "$1/a/usr/bin/sudo" < "$1/a/usr/bin/sudo"`;
      let pid = 0;
      const events = await trace(["sched_process_exec"], async () => {
        pid = Number((await asNobody("unshare", ["-Urm", "/bin/sh", "-c", script, "sh", dir])).stdout);
      });
      const exec = execOf(events, pid);
      assert.equal(exec.workload?.process?.real_user?.id, NOBODY);
      const truncated = exec.truncated ?? [];
      const fields: [string, unknown, string][] = [
        ["pathname", findData(exec, "pathname"), program],
        ["executable.path", exec.workload?.process?.executable?.path, program],
        ["pwd", findData(exec, "pwd"), `${dir}/a/usr`],
        ["stdin_path", findData(exec, "stdin_path"), program],
      ];
      for (const [name, value, real] of fields) {
        assert(value === real || truncated.includes(name), `${name} ${value} for ${real}, not marked cut`);
        assert(
          typeof value === "string" && real.endsWith(value),
          `${name} ${value} is not the tail of ${real}`,
        );
      }
    });
  },
);

bpfTest("bpf path: pseudo files as stdin are named as the kernel's d_dname names them", async () => {
  // Perl puts each file on fd 0, then execs a shell that prints what the kernel calls it.
  const opens: Record<string, string> = {
    namespace: `open(my $f, "<", "/proc/self/ns/net") or die; my $fd = fileno($f);`,
    pidfd: "my $fd = syscall(434, $$ + 0, 0);",
    socket: "socketpair(my $a, my $b, AF_UNIX, SOCK_STREAM, 0) or die; my $fd = fileno($a);",
    eventfd: "my $fd = syscall(290, 0, 0);",
    memfd: `my $name = "sluice"; my $fd = syscall(319, $name, 0);`,
  };
  const runs: { kind: string; pid: number; link: string }[] = [];
  const events = await trace(["sched_process_exec"], async () => {
    for (const [kind, open] of Object.entries(opens)) {
      const perl = `${open} $fd >= 0 or die "$!"; POSIX::dup2($fd, 0) // die "$!"; ` +
        `exec "/bin/sh", "-c", q{readlink /proc/$$/fd/0}`;
      const child = new Deno.Command("perl", { args: ["-MPOSIX", "-MSocket", "-e", perl], stdout: "piped" })
        .spawn();
      const link = new TextDecoder().decode((await child.output()).stdout).trim();
      runs.push({ kind, pid: child.pid, link });
    }
  });
  assert.deepEqual(
    runs.map((r) => [r.kind, r.link.replace(/\d+/, "N")]),
    [
      ["namespace", "net:[N]"],
      ["pidfd", "anon_inode:[pidfd]"],
      ["socket", "socket:[N]"],
      ["eventfd", "anon_inode:[eventfd]"],
      ["memfd", "/memfd:sluice (deleted)"],
    ],
  );
  for (const { kind, pid, link } of runs) {
    const exec = execOf(events, pid);
    assert.equal(findData(exec, "stdin_path"), link, kind);
    assert.equal(exec.truncated, undefined, kind);
  }
});

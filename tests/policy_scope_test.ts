// Scope semantics: each scope form against events built for it, through a loaded policy.
import assert from "node:assert/strict";
import { KERNEL_CONTEXT } from "../lib/events/event.ts";
import { ev, fromYaml, matched, openat, policyYaml } from "./_policy.ts";

const scoped = (scope: string[]) => fromYaml(policyYaml("p", scope, [{ event: "openat" }]));
const kept = async (scope: string[], events: ReturnType<typeof openat>[]) =>
  matched(await scoped(scope), events).map((m) => m !== undefined);

Deno.test("global keeps every process", async () => {
  assert.deepEqual(
    await kept(["global"], [openat("/a", { comm: "x" }), openat("/a", { uid: 0, container: "c1" })]),
    [
      true,
      true,
    ],
  );
});

Deno.test("comm= and comm!= with comma lists and globs", async () => {
  const events = ["bash", "zsh", "sshd", "python3"].map((comm) => openat("/a", { comm }));
  assert.deepEqual(await kept(["comm=bash,zsh"], events), [true, true, false, false]);
  assert.deepEqual(await kept(["comm!=bash,zsh"], events), [false, false, true, true]);
  assert.deepEqual(await kept(["comm=py*"], events), [false, false, false, true]);
  assert.deepEqual(await kept(["comm=*sh"], events), [true, true, false, false]);
  // Two = entries add to one set of names; a != entry then removes from it.
  assert.deepEqual(await kept(["comm=bash", "comm=sshd"], events), [true, false, true, false]);
  assert.deepEqual(await kept(["comm=*sh*", "comm!=zsh"], events), [true, false, true, false]);
});

Deno.test("pid and uid with = != < > <= >=", async () => {
  const events = [0, 999, 1000, 1001, 65534].map((uid) => openat("/a", { uid, pid: uid + 1 }));
  assert.deepEqual(await kept(["uid=0,1000"], events), [true, false, true, false, false]);
  assert.deepEqual(await kept(["uid!=0"], events), [false, true, true, true, true]);
  assert.deepEqual(await kept(["uid<1000"], events), [true, true, false, false, false]);
  assert.deepEqual(await kept(["uid<=1000"], events), [true, true, true, false, false]);
  assert.deepEqual(await kept(["uid>1000"], events), [false, false, false, true, true]);
  assert.deepEqual(await kept(["uid>=1000", "uid!=65534"], events), [false, false, true, true, false]);
  assert.deepEqual(await kept(["pid>1", "pid<1002"], events), [false, true, true, false, false]);
});

Deno.test("pid compares the host pid, not the pid inside a container's namespace", async () => {
  const inContainer = openat("/a", { pid: 4242, nsPid: 7, container: "abc" });
  assert.deepEqual(await kept(["pid=4242"], [inContainer]), [true]);
  assert.deepEqual(await kept(["pid=7"], [inContainer]), [false]);
});

Deno.test("binary= / executable= match the executable path (host: prefix accepted)", async () => {
  const events = ["/usr/bin/curl", "/usr/sbin/sshd", "/tmp/x"].map((exe) => openat("/a", { exe }));
  assert.deepEqual(await kept(["binary=/usr/bin/curl"], events), [true, false, false]);
  assert.deepEqual(await kept(["executable=host:/usr/sbin/sshd"], events), [false, true, false]);
  assert.deepEqual(await kept(["exec=/usr/*"], events), [true, true, false]);
  assert.deepEqual(await kept(["bin!=/tmp/*"], events), [true, true, false]);
});

Deno.test("container, not-container and container=ID (short ids select full ones)", async () => {
  const events = [
    openat("/a"),
    openat("/a", { container: "0123456789abcdef0123" }),
    openat("/a", { container: "fe" }),
  ];
  assert.deepEqual(await kept(["container"], events), [false, true, true]);
  assert.deepEqual(await kept(["not-container"], events), [true, false, false]);
  assert.deepEqual(await kept(["container=0123456789ab"], events), [false, true, false]);
});

Deno.test("several scope entries must all hold", async () => {
  const events = [
    openat("/a", { comm: "bash", uid: 0 }),
    openat("/a", { comm: "bash", uid: 1000 }),
    openat("/a", { comm: "sh", uid: 0 }),
  ];
  assert.deepEqual(await kept(["comm=bash", "uid=0", "not-container"], events), [true, false, false]);
});

Deno.test("a process without the field is out of a scope that filters on it", async () => {
  const bare = { ...openat("/a"), workload: {} };
  assert.deepEqual(await kept(["uid>=0"], [bare]), [false]);
  assert.deepEqual(await kept(["not-container"], [bare]), [true]);
});

Deno.test("events the policy has no rule for are not emitted, whatever the scope", async () => {
  assert.deepEqual(matched(await scoped(["global"]), [ev("execve"), openat("/a")]), [undefined, ["p"]]);
});

Deno.test("mntns and pidns compare the kernel context of live events; replayed events have none", async () => {
  const live = (pid: number, mount_ns: number, pid_ns: number) =>
    Object.assign(openat("/a", { pid }), { [KERNEL_CONTEXT]: { cgroup_id: 1, mount_ns, pid_ns } });
  const events = [
    live(1, 4026531840, 4026531836),
    live(2, 4026532500, 4026531836),
    live(1, 4026532500, 4026532600),
  ];
  assert.deepEqual(await kept(["mntns=4026531840"], [...events, openat("/a")]), [true, false, false, false]);
  assert.deepEqual(await kept(["pidns!=4026531836"], events), [false, false, true]);
  assert.deepEqual(await kept(["mntns=4026532500", "pidns=4026531836"], events), [false, true, false]);
  const rule = await fromYaml(
    policyYaml("p", ["global"], [{ event: "openat", filters: ["pidNamespace=4026532600"] }]),
  );
  assert.deepEqual(matched(rule, events).map((m) => m !== undefined), [false, false, true]);
});

Deno.test("comm values longer than the kernel's 15 characters match the truncated name", async () => {
  const events = [openat("/a", { comm: "kube-controller" }), openat("/a", { comm: "kube-controllers" })];
  assert.deepEqual(await kept(["comm=kube-controller-manager"], events), [true, false]);
});

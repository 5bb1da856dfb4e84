import assert from "node:assert/strict";
import { containerOfCgroupPath } from "../lib/source/cgroup_path.ts";

const ID = "0123456789abcdef".repeat(4);

Deno.test("cgroup path: each runtime's naming, as Tracee reads it", () => {
  assert.deepEqual(containerOfCgroupPath(`/system.slice/docker-${ID}.scope`), {
    id: ID,
    runtime: "docker",
    root: true,
  });
  assert.deepEqual(containerOfCgroupPath(`/docker/${ID}`), { id: ID, runtime: "docker", root: true });
  assert.deepEqual(containerOfCgroupPath(`/actions_job/${ID}`), { id: ID, runtime: "docker", root: true });
  assert.deepEqual(containerOfCgroupPath(`/machine.slice/crio-${ID}.scope`), {
    id: ID,
    runtime: "crio",
    root: true,
  });
  assert.deepEqual(containerOfCgroupPath(`/kubepods/burstable/podx/cri-containerd-${ID}.scope`), {
    id: ID,
    runtime: "containerd",
    root: true,
  });
  assert.deepEqual(containerOfCgroupPath(`/system.slice/containerd.service/kubepods:cri-containerd:${ID}`), {
    id: ID,
    runtime: "containerd",
    root: true,
  });
  assert.deepEqual(containerOfCgroupPath(`/kubepods/besteffort/pod1234/${ID}`), {
    id: ID,
    runtime: "containerd",
    root: true,
  });
  assert.deepEqual(containerOfCgroupPath(`/machine.slice/libpod-${ID}.scope/container`), {
    id: ID,
    runtime: "podman",
    root: false,
  });
  assert.deepEqual(containerOfCgroupPath("/garden/01234567-89ab-cdef-0123-4567"), {
    id: "01234567-89ab-cdef-0123-4567",
    runtime: "garden",
    root: true,
  });
});

Deno.test("cgroup path: not a container", () => {
  assert.equal(containerOfCgroupPath(`/machine.slice/libpod-conmon-${ID}.scope`), undefined);
  assert.equal(containerOfCgroupPath("/user.slice/user-1000.slice/session-2.scope"), undefined);
  assert.equal(containerOfCgroupPath(`/${ID}`.slice(0, 30)), undefined);
  assert.equal(containerOfCgroupPath("/"), undefined);
});

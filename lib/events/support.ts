/**
 * What sluice can trace, kept by hand apart from the generated Tracee data: add a row here when
 * sluice gains a program or a derivation for an event. Every syscall event with an x86_64 number is
 * traced by the generic sys_enter/sys_exit path and needs no row.
 *
 * @module
 */

/** Non-syscall events sluice has its own BPF program for (bpf/sluice.bpf.c). */
export const KERNEL_EVENTS: readonly string[] = [
  "sched_process_fork",
  "sched_process_exec",
  "sched_process_exit",
  "net_tcp_connect",
  "cgroup_mkdir",
  "cgroup_rmdir",
  "cgroup_attach_task",
  "module_load",
  "module_free",
  "task_rename",
];

/** Events sluice makes in user space, each with the events it makes them from. */
export const DERIVED_EVENTS: Readonly<Record<string, readonly string[]>> = {
  container_create: ["cgroup_mkdir"],
  container_remove: ["cgroup_rmdir"],
};

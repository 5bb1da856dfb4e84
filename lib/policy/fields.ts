/**
 * Where policy filters find their values in a Tracee v1beta1 event: one accessor per
 * field, so the event shape is known in this one place.
 *
 * @module
 */

import { type DataField, type Event, KERNEL_CONTEXT } from "../events/event.ts";

/** The process name (`comm`): `workload.process.thread.name`. */
export function commOf(event: Event): string | undefined {
  return event.workload?.process?.thread?.name;
}

/** The process id in the host's pid namespace; the namespaced pid when the host one is absent. */
export function hostPidOf(event: Event): number | undefined {
  const process = event.workload?.process;
  return process?.host_pid ?? process?.pid;
}

/** The process id in its own pid namespace. */
export function pidOf(event: Event): number | undefined {
  return event.workload?.process?.pid;
}

/** The thread id in its own pid namespace. */
export function tidOf(event: Event): number | undefined {
  return event.workload?.process?.thread?.tid;
}

/** The thread id in the host's pid namespace. */
export function hostTidOf(event: Event): number | undefined {
  return event.workload?.process?.thread?.host_tid;
}

/** The parent's pid in its own namespace (`ancestors[0].pid`). */
export function ppidOf(event: Event): number | undefined {
  return event.workload?.process?.ancestors?.[0]?.pid;
}

/** The parent's pid in the host namespace (`ancestors[0].host_pid`). */
export function hostPpidOf(event: Event): number | undefined {
  return event.workload?.process?.ancestors?.[0]?.host_pid;
}

/** The real user id. */
export function uidOf(event: Event): number | undefined {
  return event.workload?.process?.real_user?.id;
}

/** The executable's path. */
export function executableOf(event: Event): string | undefined {
  return event.workload?.process?.executable?.path;
}

/** The mount namespace id, on events from the kernel source (replayed events have none). */
export function mountNsOf(event: Event): number | undefined {
  return event[KERNEL_CONTEXT]?.mount_ns;
}

/** The pid namespace id, on events from the kernel source. */
export function pidNsOf(event: Event): number | undefined {
  return event[KERNEL_CONTEXT]?.pid_ns;
}

/** The cgroup id, on events from the kernel source. */
export function cgroupIdOf(event: Event): number | undefined {
  return event[KERNEL_CONTEXT]?.cgroup_id;
}

/** The container id; `""` for a process on the host. */
export function containerIdOf(event: Event): string {
  return event.workload?.container?.id ?? "";
}

/** The container's name. */
export function containerNameOf(event: Event): string | undefined {
  return event.workload?.container?.name;
}

/** The container image's name. */
export function containerImageOf(event: Event): string | undefined {
  return event.workload?.container?.image?.name;
}

/** The Kubernetes pod's name. */
export function podNameOf(event: Event): string | undefined {
  return event.workload?.k8s?.pod?.name;
}

/** The Kubernetes pod's uid. */
export function podUidOf(event: Event): string | undefined {
  return event.workload?.k8s?.pod?.uid;
}

/** The Kubernetes pod's namespace. */
export function podNamespaceOf(event: Event): string | undefined {
  return event.workload?.k8s?.namespace?.name;
}

/** The syscall the thread was in. */
export function syscallOf(event: Event): string | undefined {
  return event.workload?.process?.thread?.syscall;
}

/**
 * The return value of a syscall event. Tracee's v1beta1 schema has no field for it; sluice
 * reads a top-level `return_value` (number or decimal string), else a data field named
 * `returnValue` (Tracee's name for it in its flat JSON).
 */
export function retvalOf(event: Event): number | string | undefined {
  const top = event.return_value;
  if (typeof top === "number" || typeof top === "string") return top;
  const field = dataFieldOf(event, "returnValue", -1);
  if (field === undefined) return undefined;
  return field.int64 ?? field.int32 ?? field.u_int64 ?? field.u_int32;
}

/**
 * The data entry called `name`. `hint` is the field's position in the catalog, where a
 * source that follows the catalog puts it, so the common case is one comparison.
 */
export function dataFieldOf(event: Event, name: string, hint: number): DataField | undefined {
  const data = event.data;
  if (data === undefined) return undefined;
  if (hint >= 0 && hint < data.length && data[hint].name === name) return data[hint];
  for (let i = 0; i < data.length; i++) {
    if (data[i].name === name) return data[i];
  }
  return undefined;
}

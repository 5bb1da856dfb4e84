/**
 * Tracee's context fields: the names a rule filter (`comm=bash`, `hostPid>1`) or an
 * `--events NAME.scope.FIELD` flag may test, and where each is read from the event.
 *
 * @module
 */

import type { Event } from "../events/event.ts";
import * as f from "./fields.ts";
import type { IntegerType } from "./number_match.ts";

/** How to read one context field, and whether it compares as text or as a number of a type. */
export interface ContextField {
  kind: "string" | "number";
  /** A number field's type: its range bounds filter values. */
  type?: IntegerType;
  get: (event: Event) => string | number | undefined;
}

// Ids, user ids and namespace numbers are 32-bit unsigned in the kernel; cgroup ids 64-bit.
const num = (get: (event: Event) => number | undefined, type: IntegerType = "u_int32"): ContextField => ({
  kind: "number",
  type,
  get,
});
const str = (get: (event: Event) => string | undefined): ContextField => ({ kind: "string", get });

const FIELDS: Record<string, ContextField> = {};
function alias(names: string[], field: ContextField): void {
  for (const name of names) FIELDS[name] = field;
}

alias(["p", "pid", "processId"], num(f.pidOf));
alias(["tid", "threadId"], num(f.tidOf));
alias(["ppid", "parentProcessId"], num(f.ppidOf));
alias(["hostPid", "hostProcessId"], num(f.hostPidOf));
alias(["hostTid", "hostThreadId"], num(f.hostTidOf));
alias(["hostParentProcessId", "hostPpid"], num(f.hostPpidOf));
alias(["uid", "userId"], num(f.uidOf));
alias(["comm", "processName"], str(f.commOf));
alias(["exec", "executable", "bin", "binary"], str(f.executableOf));
alias(["containerId"], str((e) => f.containerIdOf(e) || undefined));
alias(["containerName"], str(f.containerNameOf));
alias(["containerImage"], str(f.containerImageOf));
alias(["podName"], str(f.podNameOf));
alias(["podNamespace"], str(f.podNamespaceOf));
alias(["podUid"], str(f.podUidOf));
alias(["syscall"], str(f.syscallOf));
alias(["mntns", "mountNamespace"], num(f.mountNsOf));
alias(["pidns", "pidNamespace"], num(f.pidNsOf));
alias(["cgroupId"], num(f.cgroupIdOf, "u_int64"));

/** Tracee context fields that sluice's events do not carry. */
const ABSENT = new Set([
  "uts",
  "hostName",
  "processorId",
  "timestamp",
  "podSandbox",
  "containerImageDigest",
]);

/** The context field called `name`, or a problem naming what is known. */
export function contextField(name: string): ContextField | string {
  const field = FIELDS[name];
  if (field !== undefined) return field;
  if (ABSENT.has(name)) return `"${name}" is a Tracee field that sluice's events do not carry`;
  return `unknown field "${name}" (known: ${
    Object.keys(FIELDS).join(", ")
  }, container, host, not-container, data.NAME, retval)`;
}

/**
 * Whether sluice can trace an event, from Tracee's facts about it (its probes, dependencies, sets)
 * and sluice's own list (support.ts); when it cannot, a reason a user understands.
 *
 * @module
 */

/** Tracee's probe types (pkg/ebpf/probes), plus its uprobes and cgroup socket programs. */
export const PROBE_KINDS = [
  "kprobe",
  "kretprobe",
  "tracepoint",
  "raw_tracepoint",
  "syscall_enter",
  "syscall_exit",
  "fentry",
  "lsm",
  "uprobe",
  "cgroup_skb",
] as const;

/** One of {@link PROBE_KINDS}. */
export type ProbeKind = typeof PROBE_KINDS[number];

/** One probe Tracee attaches for an event. */
export interface Probe {
  kind: ProbeKind;
  /** What it attaches to: `sched:sched_switch`, `security_file_open`, `ingress`, ... */
  target: string;
  /** False where Tracee traces the event without it. */
  required: boolean;
}

/** Whether sluice can trace an event, and how. */
export type Support =
  /** A syscall event: the generic sys_enter/sys_exit path. */
  | { kind: "syscall" }
  /** sluice has its own BPF program for it. */
  | { kind: "kernel" }
  /** Made in user space from the events named in `from`. */
  | { kind: "derived"; from: readonly string[] }
  /** sluice cannot trace it; `reason` says why, for the user. */
  | { kind: "unsupported"; reason: string };

/** The facts about an event that decide its support. */
export interface EventFacts {
  name: string;
  syscall?: number;
  sets: readonly string[];
  dependsOn: readonly string[];
  probes: readonly Probe[];
  internal: boolean;
}

/** sluice's own lists, and the support of other events (for events made from them). */
export interface SupportContext {
  kernel: readonly string[];
  derived: Readonly<Record<string, readonly string[]>>;
  supportOf(name: string): Support;
}

const isTracepoint = (p: Probe) => p.kind === "tracepoint" || p.kind === "raw_tracepoint";

function label(probe: Probe): string {
  switch (probe.kind) {
    case "syscall_enter":
      return `kprobe __x64_sys_${probe.target}`;
    case "syscall_exit":
      return `kretprobe __x64_sys_${probe.target}`;
    case "lsm":
      return `LSM hook ${probe.target}`;
    case "uprobe":
      return `a uprobe on Tracee's own ${probe.target}`;
    case "cgroup_skb":
      return `a cgroup_skb ${probe.target} program`;
    default:
      return `${probe.kind} ${probe.target}`;
  }
}

const unsupported = (reason: string): Support => ({ kind: "unsupported", reason });

/** The probes an event needs: its required ones, or where it has none, its optional ones as alternatives. */
function needs(event: EventFacts): { probes: readonly Probe[]; join: string } {
  const required = event.probes.filter((p) => p.required);
  return required.length > 0 ? { probes: required, join: ", " } : { probes: event.probes, join: " or " };
}

/** Why an event is out of reach whatever sluice implements, or `undefined`. */
function outOfReach(event: EventFacts): string | undefined {
  if (event.internal) return "Tracee keeps this event internal: users do not select it";
  if (event.sets.includes("32bit_unique")) return "a 32-bit (i386) syscall that x86_64 does not have";
  if (event.sets.includes("tests")) return "one of Tracee's own self-test events";
  return undefined;
}

/** Whether sluice can trace `event`; for one it cannot, a reason naming what it would need. */
export function supportOf(event: EventFacts, context: SupportContext): Support {
  if (context.kernel.includes(event.name)) return { kind: "kernel" };
  const from = context.derived[event.name];
  if (from !== undefined) return { kind: "derived", from };
  if (event.syscall !== undefined) return { kind: "syscall" };
  const why = outOfReach(event);
  if (why !== undefined) return unsupported(why);
  const deps = event.dependsOn;
  if (deps.length > 0 && deps.every((d) => context.supportOf(d).kind !== "unsupported")) {
    return unsupported(`made in user space from ${deps.join(", ")}; not implemented yet`);
  }
  const { probes, join } = needs(event);
  const others = [...new Set(probes.filter((p) => !isTracepoint(p)).map(label))];
  if (others.length > 0) {
    return unsupported(`needs ${others.join(join)}; sluice attaches only tracepoints so far`);
  }
  const tracepoints = [...new Set(probes.map((p) => p.target))];
  if (tracepoints.length === 1) {
    return unsupported(`needs the tracepoint ${tracepoints[0]}; not implemented yet`);
  }
  if (tracepoints.length > 1) {
    return unsupported(`needs the tracepoints ${tracepoints.join(join)}; not implemented yet`);
  }
  return unsupported("made by Tracee in user space; not implemented yet");
}

/**
 * For an event sluice cannot trace, the tracepoints it needs when tracepoints alone would do (empty
 * when it is made in user space); `undefined` when it is traced already, needs another kind of probe,
 * or is out of reach.
 */
export function tracepointsNeeded(event: EventFacts, support: Support): readonly string[] | undefined {
  if (support.kind !== "unsupported" || outOfReach(event) !== undefined) return undefined;
  const { probes } = needs(event);
  if (!probes.every(isTracepoint)) return undefined;
  return [...new Set(probes.map((p) => p.target))];
}

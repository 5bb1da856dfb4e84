// The exec fuzzer's cases and their check: seeded cases around every bound of lib/bpf/layout.ts,
// and the rule an event must follow, field by field: equal to what the workload did, or marked cut
// where (and only where) a bound was passed.
import { BOUNDS } from "../lib/bpf/layout.ts";
import { type Event, findData } from "../lib/events/event.ts";

/** A program a case can exec successfully: the path given to execve, and the path the kernel resolves. */
export interface Target {
  given: string;
  resolved: string;
}

/** One exec: `target` when it should succeed, else a path that does not exist. */
export interface ExecCase {
  path: string;
  args: string[];
  target?: Target;
}

/** A small fast PRNG (mulberry32): the same seed gives the same cases. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Builds cases from `next` (a {@link random}). */
export class CaseMaker {
  readonly #next: () => number;
  constructor(next: () => number) {
    this.#next = next;
  }

  int(below: number): number {
    return Math.floor(this.#next() * below);
  }

  pick<T>(values: readonly T[]): T {
    return values[this.int(values.length)];
  }

  /** A length near `n` (n - 2 to n + 2), never negative. */
  near(n: number): number {
    return Math.max(0, n + this.int(5) - 2);
  }

  /** `length` bytes of ASCII 1-127, control characters included (no NUL: a C string ends there). */
  text(length: number): string {
    let s = "";
    for (let i = 0; i < length; i++) s += String.fromCharCode(1 + this.int(127));
    return s;
  }

  /** An argv: few short arguments, the forging layout, counts and sizes around ARGV_COUNT and ARGV_BYTES. */
  args(): string[] {
    const shape = this.int(10);
    if (shape < 4) return Array.from({ length: this.int(40) }, () => this.text(this.int(300)));
    if (shape === 4) return Array.from({ length: 29 }, () => this.text(200 + this.int(100)));
    if (shape === 5) {
      // Around the count bound, with empty and one-byte arguments.
      return Array.from({ length: this.near(BOUNDS.ARGV_COUNT) }, () => this.text(this.int(2)));
    }
    if (shape === 6) {
      return [this.text(this.near(BOUNDS.STR_BYTES)), this.text(this.near(BOUNDS.STR_BYTES - 1))];
    }
    // Around the byte bound: arguments whose NULs included sum to ARGV_BYTES, plus or minus a little.
    const total = this.near(BOUNDS.ARGV_BYTES) + (shape === 9 ? this.int(20000) : 0);
    const args: string[] = [];
    let left = total;
    while (left > 0) {
      const length = Math.min(left - 1, this.pick([0, 1, 100, 4095, 4096, 10000]));
      args.push(this.text(Math.max(0, length)));
      left -= Math.max(0, length) + 1;
    }
    return args;
  }

  /** A path under `missing` (a folder that does not exist) of a length around the string bound, or short. */
  missingPath(missing: string): string {
    const length = this.pick([this.int(300), 300, this.near(BOUNDS.STR_BYTES - 1), 5000]);
    return missing + "/" + this.text(Math.max(1, length - missing.length - 1));
  }

  /** A case: a missing path, or one of `targets` run (a third of the time). */
  case(missing: string, targets: readonly Target[]): ExecCase {
    if (this.int(3) === 0) {
      const target = this.pick(targets);
      return { path: target.given, args: this.args(), target };
    }
    return { path: this.missingPath(missing), args: this.args() };
  }
}

/** The bytes `exec-cases` of bench/workload.c reads. */
export function encodeCases(cases: readonly ExecCase[]): Uint8Array {
  const text = new TextEncoder();
  const parts: Uint8Array[] = [];
  const u32 = (n: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    parts.push(b);
  };
  const bytes = (s: string) => {
    const b = text.encode(s);
    u32(b.length);
    parts.push(b);
  };
  for (const c of cases) {
    bytes(c.path);
    u32(c.args.length);
    c.args.forEach(bytes);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** What the workload recorded for a case: its pid and the exec's result (0 or -errno). */
export interface Outcome {
  pid: number;
  result: number;
}

const argvBytes = (args: readonly string[]) => args.reduce((n, a) => n + a.length + 1, 0);

/** Problems of argv `got` against `args`; `fromArea` when read from the new process (bytes bound only). */
function argvProblems(got: string[], args: readonly string[], cut: boolean, fromArea: boolean): string[] {
  const over = argvBytes(args) > BOUNDS.ARGV_BYTES || (!fromArea && args.length > BOUNDS.ARGV_COUNT);
  if (!cut) {
    if (over) {
      return [`argv passes a bound (${args.length} args, ${argvBytes(args)} bytes) but is not marked`];
    }
    const same = got.length === args.length && got.every((a, i) => a === args[i]);
    return same ? [] : [`argv differs: ${got.length} elements, expected ${args.length}`];
  }
  if (!over) return [`argv marked cut within the bounds (${args.length} args, ${argvBytes(args)} bytes)`];
  if (got.at(-1) !== "...") return ["a cut argv does not end with ..."];
  const kept = got.slice(0, -1);
  // The last element may be a start without its NUL.
  if (argvBytes(kept) > BOUNDS.ARGV_BYTES + 1) return [`a cut argv keeps ${argvBytes(kept)} bytes`];
  for (let i = 0; i < kept.length; i++) {
    const whole = kept[i] === args[i];
    if (!whole && !(i === kept.length - 1 && args[i]?.startsWith(kept[i]))) {
      return [`argv[${i}] of a cut argv is neither the argument nor its start`];
    }
  }
  return [];
}

/** Problems of a string field `got` against `expected` cut to `bytes - 1` bytes (keeping its start, or its tail). */
function stringProblems(
  field: string,
  got: unknown,
  expected: string,
  cut: boolean,
  bytes: number,
  keep: "start" | "tail",
): string[] {
  const fits = expected.length <= bytes - 1;
  if (!cut) return fits && got === expected ? [] : [`${field} differs or passes its bound unmarked`];
  if (fits) return [`${field} marked cut though it fits`];
  const part = String(got);
  const ok = keep === "start" ? expected.startsWith(part) : expected.endsWith(part);
  return ok && part.length <= bytes - 1 ? [] : [`${field} is cut but not to its ${keep}`];
}

/** Every way the events of one case differ from what the workload recorded; empty when they agree. */
export function caseProblems(
  c: ExecCase,
  outcome: Outcome,
  events: readonly Event[],
  nobody: number,
): string[] {
  const problems: string[] = [];
  const execves = events.filter((e) => e.name === "execve");
  if (execves.length !== 1) return [`${execves.length} execve events`];
  const [execve] = execves;
  const cut = new Set(execve.truncated ?? []);
  const process = execve.workload?.process;
  if (process?.real_user?.id !== nobody) problems.push(`uid ${process?.real_user?.id}`);
  if (process?.host_pid !== outcome.pid) problems.push(`host_pid ${process?.host_pid}`);
  const comm = outcome.result === 0 ? c.path.slice(c.path.lastIndexOf("/") + 1).slice(0, 15) : "workload";
  if (process?.thread?.name !== comm) problems.push(`comm ${JSON.stringify(process?.thread?.name)}`);
  if (findData(execve, "returnValue") !== String(outcome.result)) {
    problems.push(`returnValue ${findData(execve, "returnValue")}, recorded ${outcome.result}`);
  }
  problems.push(
    ...stringProblems(
      "pathname",
      findData(execve, "pathname"),
      c.path,
      cut.has("pathname"),
      BOUNDS.STR_BYTES,
      "start",
    ),
  );
  // The kernel gives a process exec'd with no arguments one empty argument.
  const args = outcome.result === 0 && c.args.length === 0 ? [""] : c.args;
  const argv = (findData(execve, "argv") as { value?: string[] }).value ?? [];
  problems.push(...argvProblems(argv, args, cut.has("argv"), outcome.result === 0));
  const execs = events.filter((e) => e.name === "sched_process_exec");
  if (outcome.result !== 0) {
    if (execs.length !== 0) problems.push("a sched_process_exec for a failed exec");
    return problems;
  }
  if (execs.length !== 1 || c.target === undefined) {
    return [...problems, `${execs.length} sched_process_exec events`];
  }
  const [exec] = execs;
  const execCut = new Set(exec.truncated ?? []);
  const resolved = c.target.resolved;
  problems.push(
    ...stringProblems(
      "exec pathname",
      findData(exec, "pathname"),
      resolved,
      execCut.has("pathname"),
      BOUNDS.PATH_BYTES,
      "tail",
    ),
  );
  problems.push(
    ...stringProblems(
      "executable.path",
      exec.workload?.process?.executable?.path,
      resolved,
      execCut.has("executable.path"),
      BOUNDS.PATH_BYTES,
      "tail",
    ),
  );
  if (findData(exec, "cmdpath") !== c.path) problems.push("exec cmdpath differs");
  const execArgv = (findData(exec, "argv") as { value?: string[] }).value ?? [];
  problems.push(...argvProblems(execArgv, args, execCut.has("argv"), true).map((p) => `exec ${p}`));
  if (exec.workload?.process?.real_user?.id !== nobody) problems.push("exec uid");
  return problems;
}

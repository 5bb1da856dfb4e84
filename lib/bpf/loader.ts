/**
 * Loads sluice's BPF object through libbpf: open, choose programs, load, attach, find maps, and
 * detach and close in reverse order. libbpf's own log goes to sluice's reporter at debug level when
 * asked (`--log debug`).
 *
 * @module
 */

import { log } from "../log.ts";
import { cString, describeErrno, errno, type Libbpf, type Libc, openLibraries } from "./libbpf.ts";
import { PER_CPU_SLOT_MAPS } from "./layout.ts";
import { ringBytes } from "./ring_size.ts";

/** A load or attach step the kernel or libbpf refused; the message is one line saying what to do. */
export class BpfLoadError extends Error {}

/** Options for {@link loadObject}. */
export interface LoadOptions {
  /** Names of the programs to load; the object's other programs are not loaded. */
  programs: readonly string[];
  /** Route libbpf's log to stderr. */
  debug?: boolean;
  /** Pages per CPU of the event ring buffer (lib/bpf/ring_size.ts). @default {the object's own size} */
  ringPages?: number;
}

/** A map of a loaded object. */
export interface BpfMap {
  readonly name: string;
  readonly pointer: Deno.PointerObject;
  readonly fd: number;
}

const LOG_LINES_KEPT = 40;
/**
 * Size of an x86_64 va_list (`struct __va_list_tag`): copying it is what va_copy does there, and
 * sluice runs only on x86_64 (its syscall tables are).
 */
const VA_LIST_BYTES = 24;
/** Longest libbpf message formatted whole: libbpf's largest verifier log buffer (16 MiB). */
const LOG_MESSAGE_MAX = 16 * 1024 * 1024;

/** A loaded object with its attached programs. {@link LoadedObject.close} undoes everything. */
export class LoadedObject {
  readonly #libbpf: Libbpf;
  readonly #object: Deno.PointerObject;
  readonly #links: Deno.PointerObject[] = [];
  readonly #log: LibbpfLog;
  #closed = false;

  constructor(libbpf: Libbpf, object: Deno.PointerObject, log: LibbpfLog) {
    this.#libbpf = libbpf;
    this.#object = object;
    this.#log = log;
  }

  /** The map called `name`; throws when the object has none. */
  map(name: string): BpfMap {
    const pointer = this.#libbpf.bpf_object__find_map_by_name(this.#object, cString(name));
    if (pointer === null) {
      throw new BpfLoadError(`BPF object has no map ${name}: rebuild with deno task build:bpf`);
    }
    return { name, pointer, fd: this.#libbpf.bpf_map__fd(pointer) };
  }

  /** Writes `value` under `key` in `map`; throws with libbpf's error code on failure. */
  update(map: BpfMap, key: Uint8Array<ArrayBuffer>, value: Uint8Array<ArrayBuffer>): void {
    const result = this.#libbpf.bpf_map__update_elem(
      map.pointer,
      key,
      BigInt(key.length),
      value,
      BigInt(value.length),
      0n,
    );
    if (result !== 0) throw new BpfLoadError(`could not write BPF map ${map.name} (error ${result})`);
  }

  /** Reads the value under `key` in `map` into `value`; false when there is none. */
  lookup(map: BpfMap, key: Uint8Array<ArrayBuffer>, value: Uint8Array<ArrayBuffer>): boolean {
    return this.#libbpf.bpf_map__lookup_elem(
      map.pointer,
      key,
      BigInt(key.length),
      value,
      BigInt(value.length),
      0n,
    ) === 0;
  }

  /** Attaches `program` until the returned function detaches it (before close, which would too). */
  attachFor(program: string, libc: Libc): () => void {
    const before = this.#links.length;
    this.attach([program], libc);
    const link = this.#links.splice(before, 1)[0];
    return () => this.#libbpf.bpf_link__destroy(link);
  }

  /** Attaches the named programs in order; {@link LoadedObject.close} detaches them. */
  attach(programs: readonly string[], libc: Libc): void {
    for (const name of programs) {
      const program = this.#libbpf.bpf_object__find_program_by_name(this.#object, cString(name));
      if (program === null) throw new BpfLoadError(`BPF object has no program ${name}: rebuild it`);
      const link = this.#libbpf.bpf_program__attach(program);
      const code = errno(libc);
      if (link === null) {
        throw new BpfLoadError(
          `the kernel refused to attach program ${name} (${describeErrno(libc, code)}): ` +
            "sluice needs tracepoint support (tracefs at /sys/kernel/tracing); rerun with --log debug for libbpf's log",
        );
      }
      this.#links.push(link);
    }
  }

  /** Detaches every program (newest first), closes the object and libbpf's log hook. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#links.length > 0) this.#libbpf.bpf_link__destroy(this.#links.pop()!);
    this.#libbpf.bpf_object__close(this.#object);
    this.#log.close();
  }
}

/** libbpf's printf-style log, formatted with libc vsnprintf; kept for error messages, printed if debug. */
class LibbpfLog {
  readonly lines: string[] = [];
  readonly #libbpf: Libbpf;
  readonly #callback: Deno.UnsafeCallback<{ parameters: ["i32", "pointer", "pointer"]; result: "i32" }>;

  constructor(libbpf: Libbpf, libc: Libc, debug: boolean) {
    this.#libbpf = libbpf;
    let buffer = new Uint8Array(4096);
    const argsCopy = new Uint8Array(VA_LIST_BYTES);
    const decoder = new TextDecoder();
    this.#callback = new Deno.UnsafeCallback(
      { parameters: ["i32", "pointer", "pointer"], result: "i32" } as const,
      (_level, format, args) => {
        // A verifier log comes as one message, often far over 4 KiB, with the reason at its end:
        // formatted again into a buffer of its size, from a copy of the arguments (va_copy).
        if (args !== null) Deno.UnsafePointerView.copyInto(args, argsCopy);
        let n = libc.vsnprintf(buffer, BigInt(buffer.length), format, args);
        if (n >= buffer.length && n < LOG_MESSAGE_MAX && args !== null) {
          buffer = new Uint8Array(n + 1);
          n = libc.vsnprintf(buffer, BigInt(buffer.length), format, Deno.UnsafePointer.of(argsCopy));
        }
        const text = decoder.decode(buffer.subarray(0, Math.max(0, Math.min(n, buffer.length - 1))));
        for (const line of text.split("\n")) {
          if (line === "") continue;
          if (debug) log.debug(line);
          this.lines.push(line);
        }
        if (this.lines.length > LOG_LINES_KEPT) this.lines.splice(0, this.lines.length - LOG_LINES_KEPT);
        return 0;
      },
    );
    libbpf.libbpf_set_print(this.#callback.pointer);
  }

  close(): void {
    this.#libbpf.libbpf_set_print(null);
    this.#callback.close();
  }
}

function loadRefusal(libc: Libc, code: number, log: LibbpfLog): BpfLoadError {
  if (code === 1) {
    return new BpfLoadError(
      "loading eBPF programs was refused (EPERM): run sluice as root or with CAP_BPF and CAP_PERFMON",
    );
  }
  const failed = log.lines.findLast((line) => line.includes("failed to load"));
  const reason = verifierReason(log.lines);
  return new BpfLoadError(
    `the kernel refused sluice's eBPF programs (${describeErrno(libc, code)})` +
      (failed ? `: ${failed.trim()}` : "") + (reason ? ` (verifier: ${reason})` : "") +
      "; rerun with --log debug to see libbpf's log",
  );
}

/** Verifier lines after its reason for refusing a program: totals, not causes. */
const VERIFIER_SUMMARY = /^(processed \d+ insns|verification time|stack depth)/;

/** The verifier's reason for refusing a program: the last line of its log before the totals. */
function verifierReason(lines: readonly string[]): string | undefined {
  const end = lines.findLastIndex((line) => line.includes("-- END PROG LOAD LOG --"));
  for (let i = end - 1; i >= 0; i--) {
    const line = lines[i].trim();
    if (line.includes("-- BEGIN PROG LOAD LOG --")) return undefined;
    if (line !== "" && !VERIFIER_SUMMARY.test(line)) return line;
  }
  return undefined;
}

function sizeRing(libbpf: Libbpf, object: Deno.PointerObject, pages: number, cpus: number): void {
  let bytes: number;
  try {
    bytes = ringBytes(pages, cpus);
  } catch (error) {
    throw new BpfLoadError((error as RangeError).message);
  }
  const map = libbpf.bpf_object__find_map_by_name(object, cString("events"));
  if (map === null || libbpf.bpf_map__set_max_entries(map, bytes) !== 0) {
    throw new BpfLoadError(
      `could not size the ring buffer to ${bytes} bytes: rebuild with deno task build:bpf`,
    );
  }
}

/**
 * Opens `bytes` as a BPF object and loads the programs named in `options` (attach them with
 * {@link LoadedObject.attach} once the maps are set). On failure everything is undone first.
 */
export function loadObject(bytes: Uint8Array<ArrayBuffer>, options: LoadOptions): LoadedObject {
  const { libbpf, libc } = openLibraries();
  const log = new LibbpfLog(libbpf, libc, options.debug ?? false);
  // open_mem keeps pointing into `bytes` until load: `bytes` stays referenced by this frame.
  const object = libbpf.bpf_object__open_mem(bytes, BigInt(bytes.length), null);
  if (object === null) {
    const code = errno(libc);
    log.close();
    throw new BpfLoadError(
      `libbpf could not open sluice's BPF object (${
        describeErrno(libc, code)
      }): rebuild it with deno task build:bpf`,
    );
  }
  const loaded = new LoadedObject(libbpf, object, log);
  try {
    const wanted = new Set(options.programs);
    for (const name of ALL_PROGRAMS) {
      const program = libbpf.bpf_object__find_program_by_name(object, cString(name));
      if (program !== null) libbpf.bpf_program__set_autoload(program, wanted.has(name));
    }
    const cpus = libbpf.libbpf_num_possible_cpus();
    for (const name of PER_CPU_SLOT_MAPS) {
      const map = libbpf.bpf_object__find_map_by_name(object, cString(name));
      if (map === null || libbpf.bpf_map__set_max_entries(map, cpus) !== 0) {
        throw new BpfLoadError(
          `could not size BPF map ${name} to ${cpus} CPUs: rebuild with deno task build:bpf`,
        );
      }
    }
    if (options.ringPages !== undefined) sizeRing(libbpf, object, options.ringPages, cpus);
    const result = libbpf.bpf_object__load(object);
    if (result !== 0) throw loadRefusal(libc, result < 0 ? -result : errno(libc), log);
  } catch (error) {
    loaded.close();
    throw error;
  }
  return loaded;
}

/**
 * Every program in bpf/sluice.bpf.c: BTF tracepoint programs named after their tracepoints,
 * self_marker (lib/bpf/self.ts) and the two probe_* programs of lib/bpf/probe.ts.
 */
export const ALL_PROGRAMS: readonly string[] = [
  "sys_enter",
  "sys_exit",
  "sched_process_fork",
  "sched_prepare_exec",
  "sched_process_exec",
  "sched_process_exit",
  "inet_sock_set_state",
  "cgroup_mkdir",
  "cgroup_rmdir",
  "cgroup_attach_task",
  "task_rename",
  "module_load",
  "module_free",
  "self_marker",
  "probe_kprobe",
  "probe_fentry",
];

/** bpf_attach_type BPF_TRACE_RAW_TP: libbpf looks the tracepoint up as btf_trace_NAME. */
const BPF_TRACE_RAW_TP = 23;

/** Whether the running kernel has the tracepoint `name` (its BTF names it); each call reads the kernel's BTF. */
export function hasTracepoint(name: string): boolean {
  const { libbpf } = openLibraries();
  // libbpf would print its "not found" to stderr itself: silence it for the question.
  const previous = libbpf.libbpf_set_print(null);
  try {
    return libbpf.libbpf_find_vmlinux_btf_id(cString(name), BPF_TRACE_RAW_TP) >= 0;
  } finally {
    libbpf.libbpf_set_print(previous);
  }
}

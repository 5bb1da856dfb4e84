/**
 * The kernel event source: loads bpf/build/sluice.bpf.o, enables the traced events in the kernel,
 * and yields one batch of decoded events per ring-buffer drain.
 *
 * @module
 */

import { join } from "node:path";
import { ALL_PROGRAMS, BpfLoadError, hasTracepoint, type LoadedObject, loadObject } from "../bpf/loader.ts";
import { log, logs } from "../log.ts";
import { probeKinds } from "../bpf/probe.ts";
import { learnSelfTgid } from "../bpf/self.ts";
import { cString, LibbpfMissingError, type Libc, monotonicToRealtime, openLibraries } from "../bpf/libbpf.ts";
import { RingBufferReader } from "../bpf/ringbuf.ts";
import { DEFAULT_EVENTS, eventByName, type EventDefinition, eventNames } from "../events/catalog.ts";
import { RecordDecoder, recordIdOf } from "../events/decode.ts";
import type { Event } from "../events/event.ts";
import { procReader } from "../bpf/procfs.ts";
import { OPTION_EXEC_ENV, SETTINGS } from "../bpf/layout.ts";
import { syscallDescriptor } from "../bpf/syscall_table.ts";
import { compatEntries } from "../bpf/compat_table.ts";
import { gateNumbers } from "../bpf/syscall_gate.ts";
import { processTracker } from "./process_tracker.ts";
import { deriver, kernelEventsFor } from "./derived.ts";
import type { EventSource } from "./source.ts";
import { LostRecords } from "./lost_records.ts";
import type { KernelFilter } from "../policy/kernel_filter.ts";
import { writeScopeMaps } from "./scope_maps.ts";
import { EventLoopTurn } from "./event_loop_turn.ts";

/** Options of {@link openKernelSource}. */
export interface KernelSourceOptions {
  /** Names of the events to trace; only these are submitted by the kernel. */
  events: ReadonlySet<string>;
  /** Route libbpf's log to stderr. */
  debug?: boolean;
  /** Capture the environment of exec events (Tracee's `--enrichment environment`). @default {false} */
  execEnv?: boolean;
  /** The policies' kernel side: records no policy wants are not submitted. @default {every record} */
  filter?: KernelFilter;
  /** Pages per CPU of the kernel's event buffer (`--buffers kernel.events`). @default {the object's 64 MiB} */
  ringPages?: number;
}

/** Why the kernel source cannot start; the message is one line: what is missing and what to do. */
export class KernelSourceError extends Error {}

/** Where the build puts the object, relative to this file (also inside a compiled binary). */
export const OBJECT_PATH: string = join(import.meta.dirname!, "../../bpf/build/sluice.bpf.o");

/** How long one wait for data lasts: bounds both the delay of sparse events and stop(). */
const WAIT_MS = 50;
/** A drain smaller than this waits a little before the next one, so batches grow under light load. */
const SMALL_DRAIN = 1024;
const SMALL_DRAIN_PAUSE_MS = 5;
/** Kernel wakes the reader once this much unread data is waiting (otherwise the wait timer does). */
const WAKEUP_BYTES = 1024 * 1024;
/**
 * How often the kernel's lost-records counter is read while running (one map lookup), on a timer:
 * records are lost exactly while the reader is held up (a full block-mode stream).
 */
const LOST_CHECK_MS = 500;
/** Drains after stop() at most, so a busy host cannot keep sluice from exiting. */
const FINAL_DRAINS = 64;

const EVENT_PROGRAMS: Record<string, readonly string[]> = {
  sched_process_fork: ["sched_process_fork"],
  sched_process_exec: ["sched_prepare_exec", "sched_process_exec"],
  sched_process_exit: ["sched_process_exit"],
  net_tcp_connect: ["inet_sock_set_state"],
  cgroup_mkdir: ["cgroup_mkdir"],
  cgroup_rmdir: ["cgroup_rmdir"],
  cgroup_attach_task: ["cgroup_attach_task"],
  task_rename: ["task_rename"],
  module_load: ["module_load"],
  module_free: ["module_free"],
};

/**
 * Programs whose tracepoint some kernels lack, with what it takes: a required one makes its event
 * fail to start with that reason; an optional one (sched_prepare_exec gives only prev_comm) is
 * left out.
 */
const CONDITIONAL_PROGRAMS: Record<string, { needs: string; optional: boolean }> = {
  sched_prepare_exec: { needs: "Linux 6.10 or later", optional: true },
  module_load: { needs: "a kernel built with CONFIG_MODULES", optional: false },
  module_free: { needs: "a kernel built with CONFIG_MODULES", optional: false },
};

/** `programs` without the optional ones this kernel cannot attach; throws for a required one. */
function availablePrograms(programs: readonly string[]): string[] {
  return programs.filter((program) => {
    const condition = CONDITIONAL_PROGRAMS[program];
    if (condition === undefined || hasTracepoint(program)) return true;
    if (condition.optional) {
      log.debug(
        `kernel: no ${program} tracepoint (it needs ${condition.needs}): sched_process_exec's prev_comm stays empty`,
      );
      return false;
    }
    const event = Object.keys(EVENT_PROGRAMS).find((e) => EVENT_PROGRAMS[e].includes(program));
    throw new KernelSourceError(
      `sluice cannot trace ${event} on this kernel: it has no ${program} tracepoint (that takes ${condition.needs})`,
    );
  });
}

/** The programs that must be attached to trace `events`, in attach order. */
export function programsFor(events: ReadonlySet<string>): string[] {
  const wanted = new Set<string>();
  for (const name of events) {
    const definition = eventByName(name);
    if (definition === undefined) {
      throw new KernelSourceError(`unknown event ${name}: sluice traces ${eventNames().join(", ")}`);
    }
    if (definition.syscall !== undefined) {
      wanted.add("sys_enter");
      wanted.add("sys_exit");
    } else {
      const programs = EVENT_PROGRAMS[name];
      if (programs === undefined) throw new KernelSourceError(`sluice has no kernel program for ${name}`);
      for (const program of programs) wanted.add(program);
    }
  }
  return ALL_PROGRAMS.filter((p) => wanted.has(p));
}

function readObject(): Uint8Array<ArrayBuffer> {
  try {
    return Deno.readFileSync(OBJECT_PATH) as Uint8Array<ArrayBuffer>;
  } catch {
    throw new KernelSourceError(
      `the eBPF object ${OBJECT_PATH} is missing: build it with deno task build:bpf`,
    );
  }
}

function checkKernel(libc: Libc): void {
  // libc access(2): Deno's own stat asks for --allow-all under /sys/kernel.
  if (libc.access(cString("/sys/kernel/btf/vmlinux"), 0) !== 0) {
    throw new KernelSourceError(
      "this kernel has no BTF (/sys/kernel/btf/vmlinux is missing): run sluice on a kernel built with CONFIG_DEBUG_INFO_BTF=y",
    );
  }
}

function u32(value: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

function configure(object: LoadedObject, events: readonly EventDefinition[], execEnv: boolean): void {
  const enabled = object.map("enabled");
  const syscalls = object.map("syscalls");
  for (const definition of events) {
    if (definition.syscall !== undefined) {
      object.update(syscalls, u32(definition.syscall), syscallDescriptor(definition));
    } else object.update(enabled, u32(recordIdOf(definition)), u32(1));
  }
  const compat = object.map("compat_syscalls");
  const pairs = compatEntries();
  for (const [i386, native] of pairs) object.update(compat, u32(i386), u32(native));
  const gate = object.map("syscall_gate");
  const traced = events.flatMap((definition) => definition.syscall ?? []);
  for (const raw of gateNumbers(traced, pairs)) object.update(gate, u32(raw), u32(1));
  const settings = new Uint8Array(SETTINGS.size);
  const view = new DataView(settings.buffer);
  view.setUint32(SETTINGS.offset.self_tgid, Deno.pid, true);
  view.setUint32(SETTINGS.offset.options, execEnv ? OPTION_EXEC_ENV : 0, true);
  view.setBigUint64(SETTINGS.offset.wakeup_bytes, BigInt(WAKEUP_BYTES), true);
  object.update(object.map("settings"), u32(0), settings);
}

/** Sums the kernel's per-CPU lost-records counter. */
function lostReader(object: LoadedObject, cpus: number): () => number {
  const map = object.map("lost");
  const values = new Uint8Array(8 * cpus);
  const view = new DataView(values.buffer);
  const key = u32(0);
  return () => {
    if (!object.lookup(map, key, values)) return 0;
    let sum = 0;
    for (let i = 0; i < cpus; i++) sum += Number(view.getBigUint64(8 * i, true));
    return sum;
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Loads and attaches sluice's eBPF programs for `options.events` and returns the source.
 * An empty set traces {@link DEFAULT_EVENTS}. Throws {@link KernelSourceError} when the kernel
 * or the host cannot run them; nothing stays attached then.
 */
// deno-lint-ignore require-await -- async so that every refusal arrives as a rejected promise
export async function openKernelSource(options: KernelSourceOptions): Promise<EventSource> {
  const events = options.events.size > 0 ? options.events : new Set(DEFAULT_EVENTS);
  const traced = kernelEventsFor(events);
  const wanted = programsFor(traced);
  const bytes = readObject();
  let libc: Libc;
  let cpus: number;
  try {
    const libraries = openLibraries();
    libc = libraries.libc;
    cpus = libraries.libbpf.libbpf_num_possible_cpus();
  } catch (error) {
    if (error instanceof LibbpfMissingError) throw new KernelSourceError(error.message);
    throw error;
  }
  checkKernel(libc);
  if (logs("debug")) {
    const kinds = probeKinds(bytes, libc);
    log.debug(
      `kernel: kprobes ${kinds.kprobe}; fentry ${kinds.fentry}; sluice attaches BTF tracepoints only`,
    );
  }
  const programs = availablePrograms(wanted);
  let object: LoadedObject | undefined;
  let reader: RingBufferReader | undefined;
  try {
    object = loadObject(bytes, {
      programs: [...programs, "self_marker"],
      debug: options.debug,
      ringPages: options.ringPages,
    });
    const definitions = [...traced].map((name) => eventByName(name)!);
    configure(object, definitions, options.execEnv ?? false);
    if (options.filter !== undefined) {
      const filtered = writeScopeMaps(object, options.filter, { traced: definitions, requested: events });
      if (filtered.on) log.debug("kernel: records no policy's scope wants are not submitted");
      else {
        (filtered.notice ? log.info : log.debug)(
          `kernel: every record is submitted, policies decide in user space: ${filtered.reason}`,
        );
      }
    }
    const self = learnSelfTgid(object, object.map("settings"), libc);
    if (self === undefined) {
      // Then Deno.pid stays the filter: right unless sluice runs in a pid namespace of its own.
      log.warn(`kernel: could not learn sluice's own pid from the kernel; ignoring pid ${Deno.pid}`);
    } else log.debug(`kernel: sluice is host pid ${self} (pid ${Deno.pid} in its namespace): never traced`);
    reader = new RingBufferReader(libc, object.map("events").fd);
    object.attach(programs, libc);
  } catch (error) {
    reader?.close();
    object?.close();
    if (error instanceof BpfLoadError) throw new KernelSourceError(error.message);
    throw error;
  }
  return kernelSource(object, reader, lostReader(object, cpus), libc, events);
}

/** The hierarchy containers are found in: cpuset's on cgroup v1 (/proc/cgroups), 0 on cgroup v2. */
function containerHierarchy(text: string | undefined): number {
  const cpuset = /^cpuset\s+(\d+)/m.exec(text ?? "");
  return cpuset === null ? 0 : Number(cpuset[1]);
}

function kernelSource(
  object: LoadedObject,
  reader: RingBufferReader,
  readLost: () => number,
  libc: Libc,
  events: ReadonlySet<string>,
): EventSource {
  const decoder = new RecordDecoder(monotonicToRealtime(libc));
  const proc = procReader(libc);
  const tracker = processTracker(proc);
  const derive = deriver(events, { hierarchy: containerHierarchy(proc.readText("/proc/cgroups")) });
  let stopped = false;
  let started = false;
  let closed = false;
  let lost = 0;
  const turn = new EventLoopTurn();
  const losses = new LostRecords();
  const lostTimer = setInterval(() => {
    const line = losses.observe(readLost(), performance.now());
    if (line !== undefined) log.warn(line);
  }, LOST_CHECK_MS);
  Deno.unrefTimer(lostTimer);
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(lostTimer);
    turn.close();
    lost = readLost();
    reader.close();
    object.close();
  };
  const decodeDrain = (count: number): Event[] => {
    const batch: Event[] = [];
    for (let i = 0; i < count; i++) {
      const event = decoder.decode(reader.view, reader.bytes, reader.starts[i], reader.lengths[i]);
      if (event !== undefined) batch.push(event);
    }
    // Events keep nothing of the record bytes: the kernel can have their room back.
    reader.release();
    tracker.track(batch);
    return derive(batch);
  };
  async function* batches(): AsyncGenerator<Event[]> {
    if (started) throw new Error("the kernel source yields its batches once");
    started = true;
    try {
      let finalDrains = 0;
      while (!closed) {
        const count = reader.drain();
        if (count > 0) {
          const batch = decodeDrain(count);
          if (batch.length > 0) yield batch;
          if (stopped && ++finalDrains > FINAL_DRAINS) break;
          // Light load: let records gather; heavy load: still give timers and signals a turn.
          if (count < SMALL_DRAIN && !stopped) await sleep(SMALL_DRAIN_PAUSE_MS);
          else await turn.next();
          continue;
        }
        if (stopped) break;
        await reader.wait(WAIT_MS);
      }
    } finally {
      close();
    }
  }
  return {
    batches,
    stop() {
      stopped = true;
      if (!started) close();
    },
    stats() {
      return { "lost events": closed ? lost : readLost() };
    },
  };
}

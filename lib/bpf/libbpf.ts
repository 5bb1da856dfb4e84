/**
 * The FFI symbols sluice uses from `libbpf.so.1` and libc, nothing else.
 *
 * Every libbpf call that can run a JS callback (the log callback during open, load and attach) is
 * marked `callback: true`: a callback during a fast call kills the process.
 *
 * @module
 */

const LIBBPF_SYMBOLS = {
  libbpf_set_print: { parameters: ["function"], result: "pointer" },
  libbpf_num_possible_cpus: { parameters: [], result: "i32" },
  bpf_object__open_mem: { parameters: ["buffer", "usize", "pointer"], result: "pointer", callback: true },
  bpf_object__load: { parameters: ["pointer"], result: "i32", callback: true },
  bpf_object__close: { parameters: ["pointer"], result: "void", callback: true },
  bpf_object__find_program_by_name: { parameters: ["pointer", "buffer"], result: "pointer" },
  bpf_object__find_map_by_name: { parameters: ["pointer", "buffer"], result: "pointer" },
  bpf_program__set_autoload: { parameters: ["pointer", "bool"], result: "i32" },
  bpf_program__attach: { parameters: ["pointer"], result: "pointer", callback: true },
  bpf_link__destroy: { parameters: ["pointer"], result: "i32", callback: true },
  bpf_map__fd: { parameters: ["pointer"], result: "i32" },
  bpf_map__set_max_entries: { parameters: ["pointer", "u32"], result: "i32" },
  libbpf_find_vmlinux_btf_id: { parameters: ["buffer", "u32"], result: "i32", callback: true },
  bpf_map__update_elem: {
    parameters: ["pointer", "buffer", "usize", "buffer", "usize", "u64"],
    result: "i32",
  },
  bpf_map__lookup_elem: {
    parameters: ["pointer", "buffer", "usize", "buffer", "usize", "u64"],
    result: "i32",
  },
} as const;

const LIBC_SYMBOLS = {
  access: { parameters: ["buffer", "i32"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
  strerror: { parameters: ["i32"], result: "pointer" },
  vsnprintf: { parameters: ["buffer", "usize", "pointer", "pointer"], result: "i32" },
  clock_gettime: { parameters: ["i32", "buffer"], result: "i32" },
  /** sluice's marker syscall (lib/bpf/self.ts). */
  lseek: { parameters: ["i32", "i64", "i32"], result: "i64" },
  // /proc through libc: Deno's own file APIs ask for --allow-all anywhere under /proc.
  open: { parameters: ["buffer", "i32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
  /** Waits for the ring buffer off the main thread so the event loop keeps running. */
  epoll_wait: { parameters: ["i32", "buffer", "i32", "i32"], result: "i32", nonblocking: true },
  epoll_create1: { parameters: ["i32"], result: "i32" },
  epoll_ctl: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  /** The ring buffer's pages, read in place (lib/bpf/ringbuf.ts). */
  mmap: { parameters: ["pointer", "usize", "i32", "i32", "i32", "i64"], result: "pointer" },
  munmap: { parameters: ["pointer", "usize"], result: "i32" },
} as const;

/** The opened libbpf library. */
export type Libbpf = Deno.DynamicLibrary<typeof LIBBPF_SYMBOLS>["symbols"];
/** The opened libc symbols sluice needs. */
export type Libc = Deno.DynamicLibrary<typeof LIBC_SYMBOLS>["symbols"];

/** Thrown when `libbpf.so.1` cannot be opened. */
export class LibbpfMissingError extends Error {}

let opened: { libbpf: Libbpf; libc: Libc } | undefined;

/** Opens libbpf and libc once per process. */
export function openLibraries(): { libbpf: Libbpf; libc: Libc } {
  if (opened) return opened;
  let libbpf: Libbpf;
  try {
    libbpf = Deno.dlopen("libbpf.so.1", LIBBPF_SYMBOLS).symbols;
  } catch (error) {
    throw new LibbpfMissingError(
      `libbpf.so.1 could not be loaded (${(error as Error).message.split("\n")[0]}): ` +
        "install the Debian package libbpf1 (apt-get install libbpf1)",
    );
  }
  const libc = Deno.dlopen("libc.so.6", LIBC_SYMBOLS).symbols;
  opened = { libbpf, libc };
  return opened;
}

/** The calling thread's errno, read right after a failed call. */
export function errno(libc: Libc): number {
  const p = libc.__errno_location();
  return p === null ? 0 : new Deno.UnsafePointerView(p).getInt32();
}

/** libc's description of an errno value. */
export function describeErrno(libc: Libc, code: number): string {
  const p = libc.strerror(code);
  return p === null ? `errno ${code}` : Deno.UnsafePointerView.getCString(p);
}

/** A NUL-terminated copy of `text` for `buffer` parameters. */
export function cString(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(text + "\0");
  return new Uint8Array(bytes.buffer as ArrayBuffer);
}

/** Nanoseconds to add to a CLOCK_MONOTONIC reading to get wall-clock time, as [seconds, nanoseconds]. */
export function monotonicToRealtime(libc: Libc): [number, number] {
  const ts = new Uint8Array(16);
  const view = new DataView(ts.buffer);
  const read = (clock: number): [number, number] => {
    libc.clock_gettime(clock, ts);
    return [Number(view.getBigInt64(0, true)), Number(view.getBigInt64(8, true))];
  };
  const [rs, rn] = read(0);
  const [ms, mn] = read(1);
  let sec = rs - ms;
  let nsec = rn - mn;
  if (nsec < 0) {
    sec -= 1;
    nsec += 1_000_000_000;
  }
  return [sec, nsec];
}

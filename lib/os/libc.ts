/**
 * The libc calls behind sluice's process-level features: credentials and capabilities
 * (lib/privileges/), counting open file descriptors (lib/server/) and creating a file unseen
 * (unseen_file.ts). Opened once, on first use.
 *
 * `setresuid`, `setresgid` and `setgroups` are glibc's: in a threaded process glibc applies them
 * to every thread (the only credential change it does that for). `capset` and `prctl` change the
 * calling thread only.
 *
 * A replay revokes Deno's FFI permission once it has dropped its privileges: calls through these
 * symbols keep working then, but `Deno.UnsafePointerView` does not, so errno and its text are
 * copied into buffers by libc itself.
 *
 * @module
 */

const SYMBOLS = {
  capget: { parameters: ["buffer", "buffer"], result: "i32" },
  capset: { parameters: ["buffer", "buffer"], result: "i32" },
  prctl: { parameters: ["i32", "u64", "u64", "u64", "u64"], result: "i32" },
  setresuid: { parameters: ["u32", "u32", "u32"], result: "i32" },
  setresgid: { parameters: ["u32", "u32", "u32"], result: "i32" },
  setgroups: { parameters: ["usize", "pointer"], result: "i32" },
  syscall: { parameters: ["i64", "i64", "buffer", "u64"], result: "i64" },
  opendir: { parameters: ["buffer"], result: "pointer" },
  readdir: { parameters: ["pointer"], result: "pointer" },
  closedir: { parameters: ["pointer"], result: "i32" },
  open: { parameters: ["buffer", "i32", "u32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  fchown: { parameters: ["i32", "u32", "u32"], result: "i32" },
  linkat: { parameters: ["i32", "buffer", "i32", "buffer", "i32"], result: "i32" },
  memcpy: { parameters: ["buffer", "pointer", "usize"], result: "pointer" },
  __errno_location: { parameters: [], result: "pointer" },
  __xpg_strerror_r: { parameters: ["i32", "buffer", "usize"], result: "i32" },
} as const;

/** The opened symbols. */
export type OsLibc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

let opened: OsLibc | undefined;

/** Opens libc once per process; throws when FFI is not permitted. */
export function osLibc(): OsLibc {
  opened ??= Deno.dlopen("libc.so.6", SYMBOLS).symbols;
  return opened;
}

/**
 * The opened libc, opening it if FFI is granted (never asking for it); undefined when it cannot
 * be had.
 */
export function reachableLibc(): OsLibc | undefined {
  if (opened === undefined && Deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
    return undefined;
  }
  try {
    return osLibc();
  } catch {
    return undefined;
  }
}

/** The numbers and flags that differ between the architectures sluice runs on. */
interface ArchConstants {
  /** `bpf(2)`. */
  SYS_BPF: bigint;
  /** `fstat(2)`, called through `syscall` (glibc exports `fstat` itself only since 2.33). */
  SYS_FSTAT: bigint;
  /** `O_TMPFILE` (which includes `O_DIRECTORY`). */
  O_TMPFILE: number;
}

const ARCH: Record<"x86_64" | "aarch64", ArchConstants> = {
  x86_64: { SYS_BPF: 321n, SYS_FSTAT: 5n, O_TMPFILE: 0o20200000 },
  aarch64: { SYS_BPF: 280n, SYS_FSTAT: 80n, O_TMPFILE: 0o20040000 },
};

/** The constants of the architecture sluice runs on. */
export const arch: ArchConstants = ARCH[Deno.build.arch];

/** The calling thread's errno, read right after a failed call (before any other call can change it). */
export function lastErrno(libc: OsLibc): number {
  const bytes = new Uint8Array(4);
  const p = libc.__errno_location();
  if (p === null) return 0;
  libc.memcpy(bytes, p, 4n);
  return new DataView(bytes.buffer).getInt32(0, true);
}

/** `strerror(code)` with the symbolic name for the codes sluice reports (`EPERM: Operation not permitted`). */
export function errnoText(libc: OsLibc, code: number): string {
  const buffer = new Uint8Array(256);
  const end = libc.__xpg_strerror_r(code, buffer, BigInt(buffer.length)) === 0 ? buffer.indexOf(0) : -1;
  const text = end < 0 ? `errno ${code}` : new TextDecoder().decode(buffer.subarray(0, end));
  const name = ERRNO_NAMES[code];
  return name === undefined ? text : `${name}: ${text}`;
}

const ERRNO_NAMES: Record<number, string> = {
  1: "EPERM",
  2: "ENOENT",
  9: "EBADF",
  13: "EACCES",
  17: "EEXIST",
  21: "EISDIR",
  22: "EINVAL",
  95: "EOPNOTSUPP",
};

/** A NUL-terminated copy of `text`. */
export function cText(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text + "\0") as Uint8Array<ArrayBuffer>;
}

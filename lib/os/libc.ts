/**
 * The libc calls behind sluice's process-level features: credentials and capabilities
 * (lib/privileges/) and counting open file descriptors (lib/server/). Opened once, on first use.
 *
 * `setresuid`, `setresgid` and `setgroups` are glibc's: in a threaded process glibc applies them
 * to every thread (the only credential change it does that for). `capset` and `prctl` change the
 * calling thread only.
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
  __errno_location: { parameters: [], result: "pointer" },
  strerror: { parameters: ["i32"], result: "pointer" },
} as const;

/** The opened symbols. */
export type OsLibc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

let opened: OsLibc | undefined;

/** Opens libc once per process; throws when FFI is not permitted. */
export function osLibc(): OsLibc {
  opened ??= Deno.dlopen("libc.so.6", SYMBOLS).symbols;
  return opened;
}

/** The calling thread's errno, read right after a failed call. */
export function lastErrno(libc: OsLibc): number {
  const p = libc.__errno_location();
  return p === null ? 0 : new Deno.UnsafePointerView(p).getInt32();
}

/** `strerror(code)` with the symbolic name for the codes sluice reports (`EPERM: Operation not permitted`). */
export function errnoText(libc: OsLibc, code: number): string {
  const p = libc.strerror(code);
  const text = p === null ? `errno ${code}` : Deno.UnsafePointerView.getCString(p);
  const name = ERRNO_NAMES[code];
  return name === undefined ? text : `${name}: ${text}`;
}

const ERRNO_NAMES: Record<number, string> = { 1: "EPERM", 9: "EBADF", 22: "EINVAL" };

/** A NUL-terminated copy of `text`. */
export function cText(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text + "\0") as Uint8Array<ArrayBuffer>;
}

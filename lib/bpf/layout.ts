/**
 * The record contract between sluice's eBPF programs and its decoder, defined once: the structs
 * both sides share (the record header, a field's header, the syscall descriptor, the settings),
 * the wire types, and the bounds. bpf/build.ts generates bpf/build/record.h from this module
 * (lib/bpf/header.ts); lib/events/decode.ts reads offsets from it; tests/bpf_layout_test.ts
 * compares it with the built object's BTF.
 *
 * A record is a {@link RECORD_HEADER} followed by fields. Each field is a {@link FIELD_HEADER}
 * (`index`, `type`, `len`) and `len` payload bytes. `index` is the field's position in the
 * event's definition in lib/events/catalog.ts ({@link EXE_FIELD} for the executable's path);
 * `type` is a {@link WIRE} type, with {@link WIRE_CUT} set when the value was cut (or could not be
 * read whole). Strings carry no NUL; a string array is NUL-terminated strings back to back.
 *
 * @module
 */

/** The C types the shared structs use. */
export type CType = "u8" | "u16" | "u32" | "u64" | "s64" | `char[${number}]` | `u8[${number}]`;

/** One member of a shared struct, with the offset the C compiler gives it. */
export interface Member {
  name: string;
  type: CType;
  offset: number;
  size: number;
}

/** A struct both sides share: natural alignment, no packing, as clang lays it out for BPF. */
export interface Struct {
  name: string;
  size: number;
  members: readonly Member[];
  /** Byte offset of each member by name. */
  offset: Readonly<Record<string, number>>;
}

function sizeAndAlign(type: CType): [number, number] {
  const array = /^(char|u8)\[(\d+)\]$/.exec(type);
  if (array) return [Number(array[2]), 1];
  const size = { u8: 1, u16: 2, u32: 4, u64: 8, s64: 8 }[type as "u8"];
  return [size, size];
}

function struct(name: string, members: readonly [string, CType][]): Struct {
  let at = 0;
  let align = 1;
  const laid: Member[] = [];
  for (const [member, type] of members) {
    const [size, alignment] = sizeAndAlign(type);
    at = Math.ceil(at / alignment) * alignment;
    laid.push({ name: member, type, offset: at, size });
    at += size;
    align = Math.max(align, alignment);
  }
  const size = Math.ceil(at / align) * align;
  return { name, size, members: laid, offset: Object.fromEntries(laid.map((m) => [m.name, m.offset])) };
}

/**
 * The header of every record. The members from `start_sec` to the end describe the task, not the
 * event: the decoder reuses a task's context while they stay the same.
 */
export const RECORD_HEADER: Struct = struct("record_header", [
  ["ts_sec", "u32"], // CLOCK_MONOTONIC, split so user space needs no 64-bit arithmetic
  ["ts_nsec", "u32"],
  ["event_id", "u32"], // the syscall number of a syscall event, else the event's v1beta1 id
  ["reserved", "u32"],
  ["retval", "s64"],
  ["start_sec", "u32"], // thread start, CLOCK_MONOTONIC
  ["start_nsec", "u32"],
  ["cgroup_id", "u64"],
  ["exe_id", "u64"], // names the executable path the record carries; 0 when it has none
  ["syscall", "u32"], // the syscall the task is in, or NO_SYSCALL
  ["host_tid", "u32"],
  ["host_pid", "u32"],
  ["tid", "u32"],
  ["pid", "u32"],
  ["host_ppid", "u32"],
  ["ppid", "u32"],
  ["uid", "u32"],
  ["mnt_ns", "u32"],
  ["pid_ns", "u32"],
  ["thread_unique_id", "u32"],
  ["process_unique_id", "u32"],
  ["parent_unique_id", "u32"],
  ["task_flags", "u32"], // TASK_COMPAT
  ["comm", "char[16]"],
]);

/** The header of each field of a record. */
export const FIELD_HEADER: Struct = struct("field_header", [
  ["index", "u8"],
  ["type", "u8"],
  ["len", "u16"],
]);

/** Arguments a syscall has at most. */
export const SYSCALL_ARGS = 6;

/** How sys_enter/sys_exit read one syscall: written by user space into the `syscalls` map. */
export const SYSCALL_DESC: Struct = struct("syscall_desc", [
  ["on", "u8"], // traced
  ["flags", "u8"], // SYSCALL_*
  ["kind", `u8[${SYSCALL_ARGS}]`], // ARG_* of each argument
  ["aux", `u8[${SYSCALL_ARGS}]`], // for ARG_SOCKADDR: the argument holding its length (| AUX_LEN_PTR)
]);

/** What user space tells the programs at start. */
export const SETTINGS: Struct = struct("settings", [
  ["self_tgid", "u32"], // sluice's own process (its host tgid): never traced
  ["options", "u32"], // OPTION_*
  ["wakeup_bytes", "u64"], // wake the reader once this much is unread
  ["nonce", "u64"], // self_marker records the tgid of the lseek(-1, nonce, ...) it sees first
]);

/**
 * The in-kernel scope filter (lib/policy/kernel_filter.ts): a record is submitted only when some
 * policy wants its event and its task passes that policy's scope on every kind below. Bit i of
 * each 64-bit mask is policy i. A policy in a kind's mask here passes that kind only for values
 * whose {@link SCOPE_BITS} `eq` has its bit; any policy fails a value whose `ne` has its bit.
 */
export const SCOPE_FILTER: Struct = struct("scope_filter", [
  ["uid", "u64"],
  ["pid", "u64"], // the host tgid
  ["mnt_ns", "u64"],
  ["pid_ns", "u64"],
  ["comm", "u64"],
  ["on", "u32"], // 0: every record is submitted
  ["kinds", "u32"], // bit i: the i-th kind above has values listed (its map is looked up)
]);

/** The policies a scope value is listed for: with `=` (`eq`) and with `!=` (`ne`). */
export const SCOPE_BITS: Struct = struct("scope_bits", [
  ["eq", "u64"],
  ["ne", "u64"],
]);

/** The policies that want an event, by record id; `always`: submit every record of it. */
export const EVENT_SCOPE: Struct = struct("event_scope", [
  ["policies", "u64"],
  ["always", "u32"],
  ["pad", "u32"],
]);

/** Values each scope kind's map holds at most (more turn the kernel filter off, with a notice). */
export const SCOPE_VALUES_MAX = 1024;

/** The structs the generated header declares, in order. */
export const STRUCTS: readonly Struct[] = [
  RECORD_HEADER,
  FIELD_HEADER,
  SYSCALL_DESC,
  SETTINGS,
  SCOPE_FILTER,
  SCOPE_BITS,
  EVENT_SCOPE,
];

/** How a field's payload is laid out on the wire. */
export const WIRE = {
  /** 4 bytes, signed. */
  I32: 1,
  /** 4 bytes, unsigned. */
  U32: 2,
  /** 8 bytes, signed. */
  I64: 3,
  /** 8 bytes, unsigned. */
  U64: 4,
  /** 1 byte. */
  BOOL: 5,
  /** `len` bytes of text, no NUL. */
  STR: 6,
  /** NUL-terminated strings back to back (the last one may lack its NUL). */
  STR_ARRAY: 7,
  /** A raw `struct sockaddr` of `len` bytes. */
  SOCKADDR: 8,
  /** A u16 address family and 16 address bytes (IPv4 in the first 4). */
  IP: 9,
  /** 8 bytes: CLOCK_MONOTONIC nanoseconds, written as wall-clock nanoseconds. */
  BOOTTIME: 10,
  /** 16 bytes: a `struct __kernel_timespec` (s64 seconds, s64 nanoseconds). */
  TIMESPEC: 11,
  /** 8 bytes: two s32 (pipe's and socketpair's descriptors). */
  INT_PAIR: 12,
} as const;

/** Set in a field's type when its value was cut or could not be read whole. */
export const WIRE_CUT = 0x80;

/** The field index of the executable's path, which follows the header of every task record. */
export const EXE_FIELD = 255;

/** Event ids below this are syscall numbers; others are v1beta1 ids. */
export const SYSCALL_ID_LIMIT = 1000;
/** Record event ids are below this (the size of the programs' lookup tables). */
export const EVENT_ID_LIMIT = 4096;
/** `syscall` of a record made outside any syscall. */
export const NO_SYSCALL = 0xffffffff;
/** `task_flags`: the task runs a 32-bit (compat) syscall. */
export const TASK_COMPAT = 1;
/** i386 syscall numbers are below this (the size of the kernel's compat table). */
export const COMPAT_SLOTS = 512;
/** In a compat table entry: the i386 syscall's timespec arguments are 32-bit (`old_timespec32`). */
export const COMPAT_TIME32 = 0x80000000;

/** How sys_exit reads one argument (`syscall_desc.kind`). */
export const ARG = {
  /** Not written (an argument the event does not declare). */
  NONE: 0,
  /** The low 32 bits of the register, signed. */
  I32: 1,
  /** The low 32 bits, unsigned. */
  U32: 2,
  /** The register, signed. */
  I64: 3,
  /** The register, unsigned (pointers too). */
  U64: 4,
  /** A NUL-terminated user string. */
  STR: 5,
  /** A NULL-terminated user array of user strings. */
  STR_ARRAY: 6,
  /** A user `struct sockaddr` whose length is in another argument (`aux`). */
  SOCKADDR: 7,
  /** A user `struct __kernel_timespec`. */
  TIMESPEC: 8,
  /** A user `int[2]`. */
  INT_PAIR: 9,
} as const;

/** `syscall_desc.aux`: the length argument is a pointer to an int, read after the call. */
export const AUX_LEN_PTR = 0x80;
/** `syscall_desc.flags`: the syscall does not return (exit, exit_group): report it at entry. */
export const SYSCALL_AT_ENTRY = 1;
/**
 * `syscall_desc.flags`: the syscall can change what the in-kernel scope filter reads of its task
 * (uid, namespaces, comm): the filter decides at its exit only, not at its entry as well.
 */
export const SYSCALL_RESCOPE = 2;

/** `settings.options`: capture the environment of exec events. */
export const OPTION_EXEC_ENV = 1;

/** The bounds of what a record carries; a value beyond them is cut and marked ({@link WIRE_CUT}). */
export const BOUNDS = {
  /** A whole record, header included. */
  RECORD_BYTES: 65536,
  /** Kept at the end of every record for the marks of fields that did not fit. */
  MARK_RESERVE: 64 * 4,
  /** One string from user or kernel memory, its NUL included (PATH_MAX). */
  STR_BYTES: 4096,
  /** A path the kernel resolves (exec's file, the executable), its NUL included: the kernel's own d_path limit. */
  PATH_BYTES: 4096,
  /** Steps of a path walk, one per directory (at least 2 of {@link BOUNDS.PATH_BYTES}) or mount crossed. */
  PATH_DEPTH: 2048,
  /** The strings of argv (or envp) together, their NULs included. */
  ARGV_BYTES: 32768,
  /** Elements of a user string array read one by one (a failed exec's argv). */
  ARGV_COUNT: 4096,
  /** An exec's environment, when captured. */
  ENV_BYTES: 8192,
  /** A socket address (`struct sockaddr_storage`). */
  SOCKADDR_BYTES: 128,
} as const;

/** Maps with one slot per possible CPU, sized by the loader (a per-CPU array value cannot be as large). */
export const PER_CPU_SLOT_MAPS: readonly string[] = ["scratch"];

/** The largest single copy into a record: the slack the scratch buffer keeps past RECORD_BYTES. */
export const COPY_MAX: number = BOUNDS.ARGV_BYTES;

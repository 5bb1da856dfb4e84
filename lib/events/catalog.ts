/**
 * The events sluice knows: Tracee's ids, names, sets and data fields, and whether sluice can
 * trace each. Config and policy validation check names against it; sources and formats read
 * field types from it.
 *
 * @module
 */

/** The Tracee v1beta1 JSON type key a field's value is written under. */
export type DataType =
  | "int32"
  | "int64"
  | "u_int32"
  | "u_int64"
  | "str"
  | "bytes"
  | "bool"
  | "str_array"
  | "int32_array"
  | "u_int64_array"
  | "sockaddr"
  | "credentials"
  | "timespec"
  | "pointer";

/** How the value is read and decoded: Tracee's DecodeAs (data.INT_T is "int", STR_ARR_T "str_arr", ...). */
export type Decode =
  | "int"
  | "uint"
  | "long"
  | "ulong"
  | "u16"
  | "u8"
  | "bool"
  | "pointer"
  | "str"
  | "str_arr"
  | "args_arr"
  | "bytes"
  | "sockaddr"
  | "timespec"
  | "int_arr_2"
  | "uint64_arr"
  | "cred";

/** One data field of an event definition. */
export interface FieldDefinition {
  name: string;
  /** The JSON type key of its value. */
  type: DataType;
  /** How the kernel side reads it. */
  decode: Decode;
  /** Tracee's ArgMeta.Type: the Go type Tracee holds the value in, e.g. "int32", "trace.Pointer". */
  cType: string;
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

/** An event of Tracee's catalog. */
export interface EventDefinition {
  /** The v1beta1 EventId (api/v1beta1/event.proto): what the JSON `id` carries (execve 60). */
  id: number;
  name: string;
  /** The x86_64 syscall number of a syscall event (read is 0: test `!== undefined`). */
  syscall?: number;
  /** Tracee's sets the event belongs to, `default` included where Tracee has it. */
  sets: readonly string[];
  /** Tracee's fields in order; a syscall event ends with `returnValue`. */
  fields: readonly FieldDefinition[];
  support: Support;
}

const KEY_OF_DECODE: Record<Decode, DataType> = {
  int: "int32",
  uint: "u_int32",
  long: "int64",
  ulong: "u_int64",
  u16: "u_int32",
  u8: "u_int32",
  bool: "bool",
  pointer: "pointer",
  str: "str",
  str_arr: "str_array",
  args_arr: "str_array",
  bytes: "bytes",
  sockaddr: "sockaddr",
  timespec: "timespec",
  int_arr_2: "int32_array",
  uint64_arr: "u_int64_array",
  cred: "credentials",
};

const GO_TYPE_OF_DECODE: Record<Decode, string> = {
  int: "int32",
  uint: "uint32",
  long: "int64",
  ulong: "uint64",
  u16: "uint16",
  u8: "uint8",
  bool: "bool",
  pointer: "trace.Pointer",
  str: "string",
  str_arr: "[]string",
  args_arr: "[]string",
  bytes: "[]byte",
  sockaddr: "SockAddr",
  timespec: "float64",
  int_arr_2: "[2]int",
  uint64_arr: "[]uint64",
  cred: "trace.SlimCred",
};

/** The JSON type key Tracee's marshaller writes a value decoded as `decode` under. */
export function dataTypeOf(decode: Decode): DataType {
  return KEY_OF_DECODE[decode];
}

const f = (name: string, decode: Decode, cType = GO_TYPE_OF_DECODE[decode]): FieldDefinition => ({
  name,
  type: KEY_OF_DECODE[decode],
  decode,
  cType,
});

const RETURN_VALUE = f("returnValue", "long");
const SYSCALL: Support = { kind: "syscall" };
const KERNEL: Support = { kind: "kernel" };

const syscall = (
  id: number,
  name: string,
  nr: number,
  sets: readonly string[],
  fields: FieldDefinition[],
): EventDefinition => ({ id, name, syscall: nr, sets, fields: [...fields, RETURN_VALUE], support: SYSCALL });

/** Every event in sluice's catalog, in Tracee's id order. */
export const EVENTS: readonly EventDefinition[] = [
  syscall(43, "connect", 42, ["syscalls", "net", "net_sock"], [
    f("sockfd", "int"),
    f("addr", "sockaddr"),
    f("addrlen", "int"),
  ]),
  syscall(50, "bind", 49, ["syscalls", "net", "net_sock"], [
    f("sockfd", "int"),
    f("addr", "sockaddr"),
    f("addrlen", "int"),
  ]),
  syscall(60, "execve", 59, ["syscalls", "proc", "proc_life"], [
    f("pathname", "str"),
    f("argv", "str_arr"),
    f("envp", "str_arr"),
  ]),
  syscall(102, "ptrace", 101, ["default", "syscalls", "proc"], [
    f("request", "long"),
    f("pid", "int"),
    f("addr", "pointer"),
    f("data", "pointer"),
  ]),
  syscall(106, "setuid", 105, ["default", "syscalls", "proc", "proc_ids"], [f("uid", "int")]),
  syscall(107, "setgid", 106, ["default", "syscalls", "proc", "proc_ids"], [f("gid", "int")]),
  syscall(176, "init_module", 175, ["default", "syscalls", "system", "system_module"], [
    f("module_image", "pointer"),
    f("len", "ulong"),
    f("param_values", "str"),
  ]),
  syscall(258, "openat", 257, ["syscalls", "fs", "fs_file_ops"], [
    f("dirfd", "int"),
    f("pathname", "str"),
    f("flags", "int"),
    f("mode", "u16"),
  ]),
  syscall(264, "unlinkat", 263, ["syscalls", "fs", "fs_link_ops"], [
    f("dirfd", "int"),
    f("pathname", "str"),
    f("flags", "int"),
  ]),
  syscall(269, "fchmodat", 268, ["default", "syscalls", "fs", "fs_file_attr"], [
    f("dirfd", "int"),
    f("pathname", "str"),
    f("mode", "u16"),
    f("flags", "int"),
  ]),
  syscall(289, "accept4", 288, ["syscalls", "net", "net_sock"], [
    f("sockfd", "int"),
    f("addr", "sockaddr"),
    f("addrlen", "pointer"),
    f("flags", "int"),
  ]),
  syscall(314, "finit_module", 313, ["default", "syscalls", "system", "system_module"], [
    f("fd", "int"),
    f("param_values", "str"),
    f("flags", "int"),
  ]),
  syscall(320, "memfd_create", 319, ["default", "syscalls", "fs", "fs_file_ops"], [
    f("name", "str"),
    f("flags", "uint"),
  ]),
  syscall(323, "execveat", 322, ["syscalls", "proc", "proc_life"], [
    f("dirfd", "int"),
    f("pathname", "str"),
    f("argv", "str_arr"),
    f("envp", "str_arr"),
    f("flags", "int"),
  ]),
  {
    id: 1014,
    name: "sched_process_fork",
    sets: [],
    fields: [
      f("parent_tid", "int"),
      f("parent_ns_tid", "int"),
      f("parent_pid", "int"),
      f("parent_ns_pid", "int"),
      f("child_tid", "int"),
      f("child_ns_tid", "int"),
      f("child_pid", "int"),
      f("child_ns_pid", "int"),
      f("start_time", "ulong", "time.Time"),
    ],
    support: KERNEL,
  },
  {
    id: 1015,
    name: "sched_process_exec",
    sets: ["default", "proc"],
    fields: [
      f("cmdpath", "str"),
      f("pathname", "str"),
      f("dev", "uint"),
      f("inode", "ulong"),
      f("ctime", "ulong"),
      f("inode_mode", "u16"),
      f("interpreter_pathname", "str"),
      f("argv", "args_arr"),
      f("interp", "str"),
      f("prev_comm", "str"),
    ],
    support: KERNEL,
  },
  {
    id: 1016,
    name: "sched_process_exit",
    sets: ["proc", "proc_life"],
    fields: [f("exit_code", "long"), f("process_group_exit", "bool")],
    support: KERNEL,
  },
  {
    id: 2015,
    name: "net_tcp_connect",
    sets: ["default", "flows"],
    fields: [f("dst", "str"), f("dst_port", "int"), f("dst_dns", "args_arr")],
    support: KERNEL,
  },
];

const byName = new Map(EVENTS.map((e) => [e.name, e]));
const byId = new Map(EVENTS.map((e) => [e.id, e]));

/** The definition of the event called `name`, or `undefined` when the catalog has none. */
export function eventByName(name: string): EventDefinition | undefined {
  return byName.get(name);
}

/** The definition of the event whose v1beta1 id is `id`, or `undefined`. */
export function eventById(id: number): EventDefinition | undefined {
  return byId.get(id);
}

/** Every event name in the catalog, sorted, for error messages and `--help`. */
export function eventNames(): string[] {
  return [...byName.keys()].sort();
}

/**
 * The events sluice knows: Tracee's ids, names and data fields. Config and policy
 * validation check names against it; sources and formats read field types from it.
 *
 * @module
 */

/** The Tracee data type key a field's value is stored under (see {@link DataField}). */
export type DataType =
  | "int32"
  | "int64"
  | "u_int32"
  | "u_int64"
  | "str"
  | "bytes"
  | "bool"
  | "str_array"
  | "sockaddr";

/** One data field of an event definition. */
export interface FieldDefinition {
  name: string;
  type: DataType;
}

/** An event sluice can emit. */
export interface EventDefinition {
  /** Tracee's numeric id (x86_64 syscall number for syscall events). */
  id: number;
  name: string;
  /** Emitted at syscall exit with the arguments captured at entry. */
  syscall: boolean;
  fields: readonly FieldDefinition[];
}

const f = (name: string, type: DataType): FieldDefinition => ({ name, type });

/** Every event in sluice's catalog, in Tracee's id order. */
export const EVENTS: readonly EventDefinition[] = [
  {
    id: 42,
    name: "connect",
    syscall: true,
    fields: [f("sockfd", "int32"), f("addr", "sockaddr"), f("addrlen", "int32")],
  },
  {
    id: 49,
    name: "bind",
    syscall: true,
    fields: [f("sockfd", "int32"), f("addr", "sockaddr"), f("addrlen", "int32")],
  },
  {
    id: 59,
    name: "execve",
    syscall: true,
    fields: [f("pathname", "str"), f("argv", "str_array"), f("envp", "str_array")],
  },
  {
    id: 101,
    name: "ptrace",
    syscall: true,
    fields: [f("request", "int64"), f("pid", "int32"), f("addr", "u_int64"), f("data", "u_int64")],
  },
  { id: 105, name: "setuid", syscall: true, fields: [f("uid", "u_int32")] },
  { id: 106, name: "setgid", syscall: true, fields: [f("gid", "u_int32")] },
  {
    id: 175,
    name: "init_module",
    syscall: true,
    fields: [f("module_image", "u_int64"), f("len", "u_int64"), f("param_values", "str")],
  },
  {
    id: 257,
    name: "openat",
    syscall: true,
    fields: [f("dirfd", "int32"), f("pathname", "str"), f("flags", "int32"), f("mode", "u_int32")],
  },
  {
    id: 263,
    name: "unlinkat",
    syscall: true,
    fields: [f("dirfd", "int32"), f("pathname", "str"), f("flags", "int32")],
  },
  {
    id: 268,
    name: "fchmodat",
    syscall: true,
    fields: [f("dirfd", "int32"), f("pathname", "str"), f("mode", "u_int32"), f("flags", "int32")],
  },
  {
    id: 288,
    name: "accept4",
    syscall: true,
    fields: [f("sockfd", "int32"), f("addr", "sockaddr"), f("addrlen", "int32"), f("flags", "int32")],
  },
  {
    id: 313,
    name: "finit_module",
    syscall: true,
    fields: [f("fd", "int32"), f("param_values", "str"), f("flags", "int32")],
  },
  { id: 319, name: "memfd_create", syscall: true, fields: [f("name", "str"), f("flags", "u_int32")] },
  {
    id: 322,
    name: "execveat",
    syscall: true,
    fields: [
      f("dirfd", "int32"),
      f("pathname", "str"),
      f("argv", "str_array"),
      f("envp", "str_array"),
      f("flags", "int32"),
    ],
  },
  {
    id: 714,
    name: "sched_process_fork",
    syscall: false,
    fields: [
      f("parent_tid", "int32"),
      f("parent_ns_tid", "int32"),
      f("parent_pid", "int32"),
      f("parent_ns_pid", "int32"),
      f("child_tid", "int32"),
      f("child_ns_tid", "int32"),
      f("child_pid", "int32"),
      f("child_ns_pid", "int32"),
      f("start_time", "u_int64"),
    ],
  },
  {
    id: 715,
    name: "sched_process_exec",
    syscall: false,
    fields: [
      f("cmdpath", "str"),
      f("pathname", "str"),
      f("dev", "u_int32"),
      f("inode", "u_int64"),
      f("ctime", "u_int64"),
      f("inode_mode", "u_int32"),
      f("interpreter_pathname", "str"),
      f("argv", "str_array"),
      f("interp", "str"),
      f("prev_comm", "str"),
    ],
  },
  {
    id: 716,
    name: "sched_process_exit",
    syscall: false,
    fields: [f("exit_code", "int64"), f("process_group_exit", "bool")],
  },
  {
    id: 2016,
    name: "net_tcp_connect",
    syscall: false,
    fields: [f("dst", "str"), f("dst_port", "int32"), f("dst_dns", "str_array")],
  },
];

const byName = new Map(EVENTS.map((e) => [e.name, e]));

/** The definition of the event called `name`, or `undefined` when sluice has none. */
export function eventByName(name: string): EventDefinition | undefined {
  return byName.get(name);
}

/** Every event name in the catalog, sorted, for error messages and `--help`. */
export function eventNames(): string[] {
  return [...byName.keys()].sort();
}

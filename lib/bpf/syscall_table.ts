/**
 * The syscall descriptors sys_enter and sys_exit read arguments by, made from the catalog's
 * fields: adding a syscall event is one catalog row. A syscall's fields are its arguments in order,
 * then `returnValue`.
 *
 * @module
 */

import type { EventDefinition, FieldDefinition } from "../events/catalog.ts";
import { ARG, AUX_LEN_PTR, SYSCALL_ARGS, SYSCALL_AT_ENTRY, SYSCALL_DESC, SYSCALL_RESCOPE } from "./layout.ts";

/** Syscalls that do not return: reported at entry, as Tracee does. */
const AT_ENTRY = new Set(["exit", "exit_group"]);

/**
 * Syscalls that can change what the scope filter reads of the calling task: its real uid, its
 * namespaces, its comm (exec, prctl(PR_SET_NAME), or a write to /proc/self/comm by any syscall that
 * writes to a file). A syscall no policy wants at its entry is not saved, unless it is one of these.
 */
export const RESCOPE: ReadonlySet<string> = new Set([
  "execve",
  "execveat",
  "prctl",
  "setuid",
  "setreuid",
  "setresuid",
  "unshare",
  "setns",
  "write",
  "pwrite64",
  "writev",
  "pwritev",
  "pwritev2",
  "sendfile",
  "splice",
  "copy_file_range",
  "io_uring_enter",
  "io_submit",
]);

const KIND_OF_DECODE: Partial<Record<FieldDefinition["decode"], number>> = {
  int: ARG.I32,
  uint: ARG.U32,
  u16: ARG.U32,
  u8: ARG.U32,
  bool: ARG.U32,
  long: ARG.I64,
  ulong: ARG.U64,
  pointer: ARG.U64,
  str: ARG.STR,
  str_arr: ARG.STR_ARRAY,
  sockaddr: ARG.SOCKADDR,
  timespec: ARG.TIMESPEC,
  int_arr_2: ARG.INT_PAIR,
};

/** The argument that holds a socket address's length: the `addrlen` after it, a value or a pointer. */
function lengthArgument(definition: EventDefinition, index: number): number {
  const at = definition.fields.findIndex((f, i) => i > index && f.name === "addrlen");
  if (at < 0 || at >= SYSCALL_ARGS) {
    throw new Error(`syscall ${definition.name}: socket address ${index} has no addrlen argument`);
  }
  return definition.fields[at].decode === "pointer" ? at | AUX_LEN_PTR : at;
}

/** The `struct syscall_desc` bytes of a traced syscall event. */
export function syscallDescriptor(definition: EventDefinition): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(SYSCALL_DESC.size);
  const args = definition.fields.filter((f) => f.name !== "returnValue");
  if (args.length > SYSCALL_ARGS) {
    throw new Error(`syscall ${definition.name} declares ${args.length} arguments`);
  }
  bytes[SYSCALL_DESC.offset.on] = 1;
  bytes[SYSCALL_DESC.offset.flags] = (AT_ENTRY.has(definition.name) ? SYSCALL_AT_ENTRY : 0) |
    (RESCOPE.has(definition.name) ? SYSCALL_RESCOPE : 0);
  args.forEach((field, i) => {
    const kind = KIND_OF_DECODE[field.decode];
    if (kind === undefined) {
      throw new Error(`syscall ${definition.name}: argument ${field.name} has decode ${field.decode}`);
    }
    bytes[SYSCALL_DESC.offset.kind + i] = kind;
    if (kind === ARG.SOCKADDR) bytes[SYSCALL_DESC.offset.aux + i] = lengthArgument(definition, i);
  });
  return bytes;
}

/**
 * The data fields Tracee's table shows decoded: open flags (`O_RDONLY|O_CLOEXEC`), file modes
 * (`S_IFREG|S_IRWXU`), `*at` flags, ptrace requests (`PTRACE_ATTACH`), access modes, clone
 * flags, memory protections, and pointers in hex. The names, values and rules are those of
 * Tracee's argument parsers; a value with no known name keeps its number.
 *
 * @module
 */

type Flag = readonly [number, string];

// Octal values from the kernel's uapi headers (x86_64), in Tracee's print order.
const OPEN_FLAGS: readonly Flag[] = [
  [0o100, "O_CREAT"],
  [0o200, "O_EXCL"],
  [0o400, "O_NOCTTY"],
  [0o1000, "O_TRUNC"],
  [0o2000, "O_APPEND"],
  [0o4000, "O_NONBLOCK"],
  [0o10000, "O_DSYNC"],
  [0o4010000, "O_SYNC"],
  [0o20000, "FASYNC"],
  [0o40000, "O_DIRECT"],
  [0o100000, "O_LARGEFILE"],
  [0o200000, "O_DIRECTORY"],
  [0o400000, "O_NOFOLLOW"],
  [0o1000000, "O_NOATIME"],
  [0o2000000, "O_CLOEXEC"],
  [0o10000000, "O_PATH"],
  [0o20000000, "O_TMPFILE"],
];

const FILE_TYPES: readonly Flag[] = [
  [0o140000, "S_IFSOCK"],
  [0o120000, "S_IFLNK"],
  [0o100000, "S_IFREG"],
  [0o60000, "S_IFBLK"],
  [0o40000, "S_IFDIR"],
  [0o20000, "S_IFCHR"],
  [0o10000, "S_IFIFO"],
];

const PERMISSIONS: readonly (readonly [Flag, readonly Flag[]])[] = [
  [[0o700, "S_IRWXU"], [[0o400, "S_IRUSR"], [0o200, "S_IWUSR"], [0o100, "S_IXUSR"]]],
  [[0o70, "S_IRWXG"], [[0o40, "S_IRGRP"], [0o20, "S_IWGRP"], [0o10, "S_IXGRP"]]],
  [[0o7, "S_IRWXO"], [[0o4, "S_IROTH"], [0o2, "S_IWOTH"], [0o1, "S_IXOTH"]]],
];

const AT_SYMLINK_NOFOLLOW: Flag = [0x100, "AT_SYMLINK_NOFOLLOW"];
const AT_EACCESS: Flag = [0x200, "AT_EACCESS"];
const AT_EMPTY_PATH: Flag = [0x1000, "AT_EMPTY_PATH"];

const PTRACE_REQUESTS = new Map<number, string>([
  [0, "PTRACE_TRACEME"],
  [1, "PTRACE_PEEKTEXT"],
  [2, "PTRACE_PEEKDATA"],
  [3, "PTRACE_PEEKUSER"],
  [4, "PTRACE_POKETEXT"],
  [5, "PTRACE_POKEDATA"],
  [6, "PTRACE_POKEUSER"],
  [7, "PTRACE_CONT"],
  [8, "PTRACE_KILL"],
  [9, "PTRACE_SINGLESTEP"],
  [12, "PTRACE_GETREGS"],
  [13, "PTRACE_SETREGS"],
  [14, "PTRACE_GETFPREGS"],
  [15, "PTRACE_SETFPREGS"],
  [16, "PTRACE_ATTACH"],
  [17, "PTRACE_DETACH"],
  [18, "PTRACE_GETFPXREGS"],
  [19, "PTRACE_SETFPXREGS"],
  [24, "PTRACE_SYSCALL"],
  [25, "PTRACE_GET_THREAD_AREA"],
  [26, "PTRACE_SET_THREAD_AREA"],
  [30, "PTRACE_ARCH_PRCTL"],
  [31, "PTRACE_SYSEMU"],
  [32, "PTRACE_SYSEMU_SINGLESTEP"],
  [33, "PTRACE_SINGLEBLOCK"],
  [0x4200, "PTRACE_SETOPTIONS"],
  [0x4201, "PTRACE_GETEVENTMSG"],
  [0x4202, "PTRACE_GETSIGINFO"],
  [0x4203, "PTRACE_SETSIGINFO"],
  [0x4204, "PTRACE_GETREGSET"],
  [0x4205, "PTRACE_SETREGSET"],
  [0x4206, "PTRACE_SEIZE"],
  [0x4207, "PTRACE_INTERRUPT"],
  [0x4208, "PTRACE_LISTEN"],
  [0x4209, "PTRACE_PEEKSIGINFO"],
  [0x420a, "PTRACE_GETSIGMASK"],
  [0x420b, "PTRACE_SETSIGMASK"],
  [0x420c, "PTRACE_SECCOMP_GET_FILTER"],
  [0x420d, "PTRACE_SECCOMP_GET_METADATA"],
  [0x420e, "PTRACE_GET_SYSCALL_INFO"],
  [0x420f, "PTRACE_GET_RSEQ_CONFIGURATION"],
  [0x4210, "PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG"],
  [0x4211, "PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG"],
]);

const ACCESS_MODES: readonly Flag[] = [[1, "X_OK"], [2, "W_OK"], [4, "R_OK"]];

const CLONE_FLAGS: readonly Flag[] = [
  "CLONE_VM",
  "CLONE_FS",
  "CLONE_FILES",
  "CLONE_SIGHAND",
  "CLONE_PIDFD",
  "CLONE_PTRACE",
  "CLONE_VFORK",
  "CLONE_PARENT",
  "CLONE_THREAD",
  "CLONE_NEWNS",
  "CLONE_SYSVSEM",
  "CLONE_SETTLS",
  "CLONE_PARENT_SETTID",
  "CLONE_CHILD_CLEARTID",
  "CLONE_DETACHED",
  "CLONE_UNTRACED",
  "CLONE_CHILD_SETTID",
  "CLONE_NEWCGROUP",
  "CLONE_NEWUTS",
  "CLONE_NEWIPC",
  "CLONE_NEWUSER",
  "CLONE_NEWPID",
  "CLONE_NEWNET",
  "CLONE_IO",
].map((name, i) => [0x100 * 2 ** i, name] as const);

const PROT_FLAGS: readonly Flag[] = [
  [0x1, "PROT_READ"],
  [0x2, "PROT_WRITE"],
  [0x4, "PROT_EXEC"],
  [0x8, "PROT_SEM"],
  [0x01000000, "PROT_GROWSDOWN"],
  [0x02000000, "PROT_GROWSUP"],
];

/** True when every bit of `flag` is set in `value` (64-bit safe). */
function has(value: bigint, flag: number): boolean {
  const bits = BigInt(flag);
  return (value & bits) === bits;
}

/** The names of the flags set in `value`, joined by `|`; "" when none (Tracee's buildStringFromValues). */
function names(value: bigint, flags: readonly Flag[]): string {
  return flags.filter(([bits]) => has(value, bits)).map(([, name]) => name).join("|");
}

/** Flags that print "" for 0 and the number when no known flag is set. */
function flagsOrNumber(flags: readonly Flag[]) {
  return (value: bigint): string => value === 0n ? "" : names(value, flags) || String(value);
}

function openFlags(value: bigint): string {
  const access = has(value, 1) ? "O_WRONLY" : has(value, 2) ? "O_RDWR" : "O_RDONLY";
  return [access, ...OPEN_FLAGS.filter(([bits]) => has(value, bits)).map(([, name]) => name)].join("|");
}

function inodeMode(value: bigint): string {
  const parts: string[] = [];
  const type = FILE_TYPES.find(([bits]) => has(value, bits));
  if (type !== undefined) parts.push(type[1]);
  for (const [all, each] of PERMISSIONS) {
    if (has(value, all[0])) parts.push(all[1]);
    else parts.push(...each.filter(([bits]) => has(value, bits)).map(([, name]) => name));
  }
  return parts.join("|");
}

function ptraceRequest(value: bigint): string {
  return PTRACE_REQUESTS.get(Number(value)) ?? String(value);
}

function accessMode(value: bigint): string {
  return value === 0n ? "F_OK" : names(value, ACCESS_MODES) || String(value);
}

function mmapProt(value: bigint): string {
  return value === 0n ? "PROT_NONE" : names(value, PROT_FLAGS);
}

type Decoder = (value: bigint) => string;

/** Per event, per data field: how Tracee's table shows it. */
const DECODERS: Readonly<Record<string, Readonly<Record<string, Decoder>>>> = {
  open: { flags: openFlags },
  openat: { flags: openFlags },
  openat2: { flags: openFlags },
  security_file_open: { flags: openFlags },
  mknod: { mode: inodeMode },
  mknodat: { mode: inodeMode },
  security_inode_mknod: { mode: inodeMode },
  chmod: { mode: inodeMode },
  fchmod: { mode: inodeMode },
  fchmodat: { mode: inodeMode, flags: flagsOrNumber([AT_SYMLINK_NOFOLLOW]) },
  chmod_common: { mode: inodeMode },
  sched_process_exec: { stdin_type: inodeMode },
  execveat: { flags: flagsOrNumber([AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH]) },
  ptrace: { request: ptraceRequest },
  access: { mode: accessMode },
  faccessat: { mode: accessMode, flags: flagsOrNumber([AT_EACCESS, AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW]) },
  clone: { flags: flagsOrNumber(CLONE_FLAGS) },
  mmap: { prot: mmapProt },
  mprotect: { prot: mmapProt },
  pkey_mprotect: { prot: mmapProt },
  security_mmap_file: { prot: mmapProt },
  do_mmap: { prot: mmapProt },
  security_file_mprotect: { prot: mmapProt, prev_prot: mmapProt },
};

/** Texts kept per decoder: flags and modes take few distinct values, so a small memo serves nearly all. */
const MEMO_MAX = 256;
const memos = new Map<Decoder, Map<number | string, string>>();

/**
 * The decoded text of data field `field` of event `event` with integer value `value`, or
 * undefined when Tracee shows that field as its number. Negative values are read as their
 * two's complement bits, as Tracee's parsers see them.
 */
export function decodedArg(event: string, field: string, value: number | string): string | undefined {
  const decode = DECODERS[event]?.[field];
  if (decode === undefined) return undefined;
  let memo = memos.get(decode);
  const known = memo?.get(value);
  if (known !== undefined) return known;
  let bits: bigint;
  try {
    bits = BigInt(value);
  } catch {
    return undefined;
  }
  const text = decode(BigInt.asUintN(64, bits));
  if (memo === undefined) memos.set(decode, memo = new Map());
  else if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(value, text);
  return text;
}

/** A pointer as Tracee's table shows it: `0x` and hex digits. */
export function pointerText(value: number | string): string {
  try {
    return "0x" + BigInt.asUintN(64, BigInt(value)).toString(16);
  } catch {
    return String(value);
  }
}

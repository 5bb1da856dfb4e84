/**
 * Gives up privileges once the eBPF programs are attached: every capability sluice does not
 * need any more, the capability bounding set, new privileges through exec, and root itself.
 *
 * Capabilities belong to threads, and Deno runs many (V8's workers, tokio's blocking pool)
 * before sluice's first line runs; `capset` changes only the calling thread. glibc's
 * `setresuid` is the one credential change applied to every thread, and moving every user id
 * away from 0 clears the permitted set of each thread that has not asked to keep it. So the
 * main thread (the one that runs JavaScript and every synchronous FFI call, including the
 * /proc reads) sets `PR_SET_KEEPCAPS`, every thread becomes user 65534, and the main thread
 * then keeps exactly the needed set: no thread is left with more, and threads started later
 * inherit the main thread's sets.
 *
 * Some capabilities are needed only now and then (reopening a file after logrotate): the main
 * thread keeps those permitted but not effective, and raises them only around that work
 * (`raise.ts`). Threads Deno starts later copy the main thread's sets, so they get no more than
 * the always-effective ones in effect either.
 *
 * @module
 */

import { arch, errnoText, lastErrno, type OsLibc, osLibc } from "../os/libc.ts";
import { capabilityBit, capabilityNames } from "./capabilities.ts";

/** The user (and group) sluice runs as after the drop: `nobody`/`nogroup` on Debian. */
export const UNPRIVILEGED_ID = 65534;

/** A step of the drop failed; the message says which and what to do. */
export class PrivilegeError extends Error {}

const CAPABILITY_VERSION_3 = 0x20080522;
const PR_SET_KEEPCAPS = 8;
const PR_CAPBSET_READ = 23;
const PR_CAPBSET_DROP = 24;
const PR_SET_NO_NEW_PRIVS = 38;
const PR_SET_DUMPABLE = 4;
const BPF_MAP_LOOKUP_ELEM = 1;
const EBADF = 9;

/** A thread's effective, permitted and inheritable sets. */
export interface ThreadCapabilities {
  effective: bigint;
  permitted: bigint;
  inheritable: bigint;
}

function header(): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setUint32(0, CAPABILITY_VERSION_3, true);
  return bytes;
}

/** The calling thread's capability sets (capget). */
export function readCapabilities(libc: OsLibc = osLibc()): ThreadCapabilities {
  const data = new Uint8Array(24);
  if (libc.capget(header(), data) !== 0) {
    throw new PrivilegeError(`capget failed (${errnoText(libc, lastErrno(libc))})`);
  }
  const view = new DataView(data.buffer);
  const set = (offset: number) =>
    BigInt(view.getUint32(offset, true)) | (BigInt(view.getUint32(12 + offset, true)) << 32n);
  return { effective: set(0), permitted: set(4), inheritable: set(8) };
}

/** Sets the calling thread's capability sets (capset); false when refused (errno says why). */
export function setCapabilities(libc: OsLibc, sets: ThreadCapabilities): boolean {
  const data = new Uint8Array(24);
  const view = new DataView(data.buffer);
  const put = (offset: number, set: bigint) => {
    view.setUint32(offset, Number(set & 0xffffffffn), true);
    view.setUint32(12 + offset, Number((set >> 32n) & 0xffffffffn), true);
  };
  put(0, sets.effective);
  put(4, sets.permitted);
  put(8, sets.inheritable);
  return libc.capset(header(), data) === 0;
}

function writeCapabilities(libc: OsLibc, sets: ThreadCapabilities, step: string): void {
  if (!setCapabilities(libc, sets)) fail(libc, step);
}

function fail(libc: OsLibc, step: string): never {
  throw new PrivilegeError(
    `dropping privileges failed at ${step} (${errnoText(libc, lastErrno(libc))}); ` +
      "--capabilities bypass=true runs with every capability instead",
  );
}

function check(libc: OsLibc, result: number | bigint, step: string): void {
  if (Number(result) !== 0) fail(libc, step);
}

/**
 * Whether this kernel refuses every bpf() call to a thread without CAP_BPF (kernels before 6.5
 * with unprivileged eBPF disabled check that first; later ones check only loads and map
 * creation). Asked with CAP_BPF and CAP_SYS_ADMIN lowered for a moment: a lookup on an invalid
 * descriptor then fails with EPERM where the gate exists and EBADF where it does not.
 */
export function bpfCallsNeedCapability(libc: OsLibc = osLibc()): boolean {
  const before = readCapabilities(libc);
  const gate = capabilityBit("bpf")! | capabilityBit("sys_admin")!;
  writeCapabilities(libc, { ...before, effective: before.effective & ~gate }, "lowering cap_bpf for a probe");
  const attr = new Uint8Array(32);
  new DataView(attr.buffer).setUint32(0, 0xffffffff, true);
  const result = libc.syscall(arch.SYS_BPF, BigInt(BPF_MAP_LOOKUP_ELEM), attr, BigInt(attr.length));
  const code = lastErrno(libc);
  writeCapabilities(libc, before, "restoring capabilities after the probe");
  return result < 0n && code !== EBADF;
}

/** What {@link dropPrivileges} keeps: every other capability goes. */
export interface Keep {
  /** Capabilities the main thread keeps in effect. */
  effective: bigint;
  /** Capabilities the main thread keeps permitted but not in effect, raised only for the work that needs them. */
  onDemand: bigint;
}

/** What {@link dropPrivileges} left. */
export interface DropResult {
  /** The capabilities the main thread kept in effect (of those asked for, the ones the process had). */
  effective: bigint;
  /** The capabilities kept permitted but not in effect. */
  onDemand: bigint;
  /** The user id every thread runs as now. */
  uid: number;
  /** False when sluice could not change users (not root): then only the main thread dropped. */
  allThreads: boolean;
}

function dropBoundingSet(libc: OsLibc, keep: bigint): void {
  for (let cap = 0; libc.prctl(PR_CAPBSET_READ, BigInt(cap), 0n, 0n, 0n) >= 0; cap++) {
    if (!((keep >> BigInt(cap)) & 1n)) {
      check(
        libc,
        libc.prctl(PR_CAPBSET_DROP, BigInt(cap), 0n, 0n, 0n),
        `dropping cap ${cap} from the bounding set`,
      );
    }
  }
}

function becomeUnprivileged(libc: OsLibc): void {
  check(libc, libc.prctl(PR_SET_KEEPCAPS, 1n, 0n, 0n, 0n), "PR_SET_KEEPCAPS");
  check(libc, libc.setgroups(0n, null), "setgroups");
  check(libc, libc.setresgid(UNPRIVILEGED_ID, UNPRIVILEGED_ID, UNPRIVILEGED_ID), "setresgid");
  check(libc, libc.setresuid(UNPRIVILEGED_ID, UNPRIVILEGED_ID, UNPRIVILEGED_ID), "setresuid");
  check(libc, libc.prctl(PR_SET_KEEPCAPS, 0n, 0n, 0n, 0n), "clearing PR_SET_KEEPCAPS");
  // Every process running as 65534 could otherwise ptrace a thread that holds no capability
  // (and through it the main thread) where fs.suid_dumpable=1 left the process dumpable.
  check(libc, libc.prctl(PR_SET_DUMPABLE, 0n, 0n, 0n, 0n), "PR_SET_DUMPABLE");
}

/**
 * Keeps only `keep` (of what the process has) and gives up everything else, as the module doc
 * says; the bounding set keeps what is permitted. Without CAP_SETUID and CAP_SETGID the user
 * cannot change: then only the main thread's sets shrink (`allThreads` false). Throws
 * {@link PrivilegeError} when a step fails.
 */
export function dropPrivileges(keep: Keep, libc: OsLibc = osLibc()): DropResult {
  const before = readCapabilities(libc);
  const effective = keep.effective & before.permitted;
  const onDemand = keep.onDemand & before.permitted & ~effective;
  const kept = effective | onDemand;
  const has = (name: string) => (before.effective & capabilityBit(name)!) !== 0n;
  if (has("setpcap")) dropBoundingSet(libc, kept);
  check(libc, libc.prctl(PR_SET_NO_NEW_PRIVS, 1n, 0n, 0n, 0n), "PR_SET_NO_NEW_PRIVS");
  const allThreads = has("setuid") && has("setgid");
  if (allThreads) becomeUnprivileged(libc);
  writeCapabilities(
    libc,
    { effective, permitted: kept, inheritable: 0n },
    `keeping ${capabilityNames(kept)}`,
  );
  const after = readCapabilities(libc);
  if (after.permitted !== kept || after.effective !== effective) {
    throw new PrivilegeError(
      `dropping privileges left ${capabilityNames(after.permitted)} (in effect ${
        capabilityNames(after.effective)
      }) ` +
        `instead of ${capabilityNames(kept)} (in effect ${capabilityNames(effective)})`,
    );
  }
  return { effective, onDemand, uid: allThreads ? UNPRIVILEGED_ID : Deno.uid() ?? -1, allThreads };
}

/**
 * Whether this kernel can attach kprobes and fentry programs, which sluice does not use yet but
 * Tracee's other events need: each is tried with a program that does nothing, loaded alone, and
 * detached at once.
 *
 * @module
 */

import { BpfLoadError, loadObject } from "./loader.ts";
import type { Libc } from "./libbpf.ts";

/** What each kind of probe gives here: `"available"`, or why it is not. */
export interface ProbeKinds {
  kprobe: string;
  fentry: string;
}

function tryProgram(bytes: Uint8Array<ArrayBuffer>, program: string, libc: Libc): string {
  try {
    const object = loadObject(bytes, { programs: [program] });
    try {
      object.attach([program], libc);
    } finally {
      object.close();
    }
    return "available";
  } catch (error) {
    if (error instanceof BpfLoadError) return `unavailable (${error.message.split(": ")[0]})`;
    throw error;
  }
}

/** Tries a kprobe and an fentry program from the object `bytes`. */
export function probeKinds(bytes: Uint8Array<ArrayBuffer>, libc: Libc): ProbeKinds {
  return { kprobe: tryProgram(bytes, "probe_kprobe", libc), fentry: tryProgram(bytes, "probe_fentry", libc) };
}

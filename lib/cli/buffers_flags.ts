/**
 * The `--buffers` flag in Tracee's forms. sluice takes `kernel.events=PAGES`, the size of the
 * kernel's event buffer: Tracee's is a perf buffer of PAGES pages per CPU, sluice's one ring buffer
 * for every CPU, given PAGES pages per CPU too (lib/bpf/ring_size.ts). Tracee's other buffers are refused by name, a malformed value as Tracee words it.
 *
 * @module
 */

import { MAX_RING_BYTES, PAGE_BYTES } from "../bpf/ring_size.ts";

/** What `--buffers` asks for. */
export interface BuffersSettings {
  /** Pages of the kernel's event buffer per CPU. @default {undefined: the ring buffer's built-in size} */
  kernelEvents?: number;
}

/** Tracee's buffers that sluice does not have, with why. */
const UNSUPPORTED: Record<string, string> = {
  "kernel.artifacts": "sluice captures no artifacts",
  "kernel.control-plane": "sluice's kernel side sends no control records",
  "pipeline": "each stream's queue is sized by its buffer.size",
};

const HELP = "use 'sluice --help' for more info";

/** Reads every `--buffers` value, with one problem line per bad value. */
export function parseBuffersFlags(
  values: readonly string[],
): { settings: BuffersSettings; problems: string[] } {
  const problems: string[] = [];
  const settings: BuffersSettings = {};
  for (const value of values) {
    const parts = value.split("=");
    if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
      problems.push(`--buffers ${value}: invalid buffers flag: '${value}', ${HELP}`);
      continue;
    }
    const [key, size] = parts;
    if (key in UNSUPPORTED) {
      problems.push(`--buffers ${value}: Tracee's ${key} buffer is not in sluice (${UNSUPPORTED[key]})`);
    } else if (key !== "kernel.events") {
      problems.push(`--buffers ${value}: invalid buffers flag: '${key}', sluice takes kernel.events=PAGES`);
    } else if (!/^[+-]?\d+$/.test(size)) {
      problems.push(
        `--buffers ${value}: invalid buffer flag: ${key} value must be a positive integer, ${HELP}`,
      );
    } else if (Number(size) <= 0) {
      problems.push(
        `--buffers ${value}: invalid buffer flag: ${key} value can't be negative or zero, ${HELP}`,
      );
    } else if (Number(size) * PAGE_BYTES > MAX_RING_BYTES) {
      problems.push(
        `--buffers ${value}: at most ${
          MAX_RING_BYTES / PAGE_BYTES
        } pages (sluice's ring buffer takes at most 1 GiB)`,
      );
    } else settings.kernelEvents = Number(size);
  }
  return { settings, problems };
}

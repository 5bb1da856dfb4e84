/**
 * Reads /proc through libc. Deno's own file APIs ask for `--allow-all` anywhere under
 * /proc, which the shipped permissions do not grant; libc needs only `--allow-ffi`.
 *
 * @module
 */

import { cString, type Libc } from "./libbpf.ts";

/** Reads small /proc files; `undefined` when the process is gone or the read fails. */
export interface ProcReader {
  readText(path: string): string | undefined;
}

const O_RDONLY = 0;
const O_CLOEXEC = 0o2000000;

/** A reader sharing one 64 KiB buffer (the files sluice reads are far smaller). */
export function procReader(libc: Libc): ProcReader {
  const buffer = new Uint8Array(64 * 1024);
  const decoder = new TextDecoder();
  return {
    readText(path) {
      const fd = libc.open(cString(path), O_RDONLY | O_CLOEXEC);
      if (fd < 0) return undefined;
      try {
        let total = 0;
        while (total < buffer.length) {
          const count = Number(libc.read(fd, buffer.subarray(total), BigInt(buffer.length - total)));
          if (count < 0) return undefined;
          if (count === 0) break;
          total += count;
        }
        return decoder.decode(buffer.subarray(0, total));
      } finally {
        libc.close(fd);
      }
    },
  };
}

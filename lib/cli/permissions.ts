/**
 * Deno permissions as narrow as each run needs. The shipped `start` task (and a compiled
 * binary) grants what tracing the live kernel needs, `--allow-ffi` included, and FFI is all
 * access in effect. A run that does not trace the kernel (a replay, `validate`) gives up FFI
 * and the subprocess permission right after reading its flags, before it reads any file it
 * was given: a config, a policy or a recording is never handled with FFI granted.
 *
 * The tasks pass `--no-prompt`, so a revoked permission cannot be asked for again.
 *
 * @module
 */

import type { CliOptions } from "./args.ts";

/** True when the run loads eBPF programs (FFI to libbpf, `ps` for the process tree). */
function tracesKernel(options: CliOptions): boolean {
  return options.command === "run" && options.input === undefined;
}

/** The permissions the run `options` describe can do without. */
export function unneededPermissions(options: CliOptions): Deno.PermissionName[] {
  return tracesKernel(options) ? [] : ["ffi", "run"];
}

/** Revokes each of `names` for the rest of the process. */
export function revokePermissions(names: readonly Deno.PermissionName[]): void {
  for (const name of names) Deno.permissions.revokeSync({ name } as Deno.PermissionDescriptor);
}

/**
 * Deno permissions as narrow as each run needs. The shipped `start` task (and a compiled
 * binary) grants what tracing the live kernel needs, `--allow-ffi` included, and FFI is all
 * access in effect. A run that does not trace the kernel gives up the subprocess permission
 * right after reading its flags; `validate`, `list` and `version` give up FFI then too. A
 * replay keeps FFI only until it has dropped its privileges (lib/privileges/ calls libc),
 * which happens before the first event is read; libc stays open for that, but no library can
 * be loaded after.
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

/** The permissions the run `options` describe can do without from the start. */
export function unneededPermissions(options: CliOptions): Deno.PermissionName[] {
  if (tracesKernel(options)) return [];
  return options.command === "run" ? ["run"] : ["ffi", "run"];
}

/** The permissions a running replay gives up once its privileges are dropped. */
export function unneededOnceStarted(options: CliOptions): Deno.PermissionName[] {
  return tracesKernel(options) || options.command !== "run" ? [] : ["ffi"];
}

/** Revokes each of `names` for the rest of the process. */
export function revokePermissions(names: readonly Deno.PermissionName[]): void {
  for (const name of names) Deno.permissions.revokeSync({ name } as Deno.PermissionDescriptor);
}

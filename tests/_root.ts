/**
 * Shared by the tests that need root but not the kernel (privileges, files given to other
 * users): registering them, and trying things as another user.
 *
 * @module
 */

import assert from "node:assert/strict";
import { REQUIRED } from "./_bpf.ts";

/** True when the tests run as root. */
export const ROOT: boolean = Deno.uid() === 0;

/** A test that needs root: skipped with a visible reason when not root, failing under CI (SLUICE_REQUIRE_BPF=1). */
export function rootTest(name: string, fn: () => Promise<void>): void {
  if (ROOT) Deno.test({ name, fn, sanitizeResources: false, sanitizeOps: false });
  else if (REQUIRED) {
    Deno.test(name, () => assert.fail("SLUICE_REQUIRE_BPF=1 but the tests do not run as root"));
  } else {
    console.log(`skipping "${name}": not root`);
    Deno.test({ name, ignore: true, fn });
  }
}

/** The user and group sluice runs as after it drops its privileges, and an attacker may too. */
export const NOBODY = 65534;

/** Runs `sh -c script` as user and group 65534 with no other groups; its exit code and output. */
export async function asNobody(script: string): Promise<{ code: number; output: string }> {
  const id = String(NOBODY);
  const { code, stdout, stderr } = await new Deno.Command("setpriv", {
    args: ["--reuid", id, "--regid", id, "--clear-groups", "sh", "-c", script],
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code, output: decode(stdout) + decode(stderr) };
}

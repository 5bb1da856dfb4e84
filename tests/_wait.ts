/**
 * Waiting in tests: for a moment, or for a condition that a running sluice brings about.
 *
 * @module
 */

import assert from "node:assert/strict";

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` every 50 ms for up to 10 s; fails naming `what` when it never holds. */
export async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await delay(50);
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** True once something exists at `path`. */
export function exists(path: string): Promise<boolean> {
  return Deno.lstat(path).then(() => true, () => false);
}

/**
 * The work one event's template run may do: a count of steps (actions, loop turns,
 * function calls, elements made) and of output characters. A template that would loop a
 * hundred million times, or build a gigabyte, fails for that event instead of stalling
 * the run or exhausting memory.
 *
 * @module
 */

import { TemplateExecError } from "./gotemplate_value.ts";

/** The limits of one run. */
export interface Limits {
  /** Steps: each action, loop turn and function call is one, each element or character a function makes one. */
  steps: number;
  /** Characters of output. */
  chars: number;
}

/** The limits each event's run gets unless told otherwise. */
export const DEFAULT_LIMITS: Readonly<Limits> = { steps: 100_000, chars: 1 << 20 };

let left: Limits | undefined;
let limits: Readonly<Limits> = DEFAULT_LIMITS;

/** Counts `steps` against the running template's budget; throws when it runs out. */
export function charge(steps: number): void {
  if (left === undefined) return;
  left.steps -= steps;
  if (left.steps < 0) {
    throw new TemplateExecError(
      `stopped after ${limits.steps} steps: the template does too much work for one event`,
    );
  }
}

/** Counts `chars` of output against the budget; throws when it runs out. */
export function chargeOutput(chars: number): void {
  if (left === undefined) return;
  left.chars -= chars;
  if (left.chars < 0) {
    throw new TemplateExecError(`stopped after ${limits.chars} characters of output for one event`);
  }
}

/** Runs `fn` (synchronous) with a fresh budget of `run`. */
export function withBudget<T>(run: Readonly<Limits>, fn: () => T): T {
  const saved = [left, limits] as const;
  left = { ...run };
  limits = run;
  try {
    return fn();
  } finally {
    [left, limits] = saved;
  }
}

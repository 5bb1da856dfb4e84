/**
 * The data path in one loop: source -> policy -> router, then drain.
 *
 * @module
 */

import type { PolicySet } from "./policy/policy_set.ts";
import type { EventSource } from "./source/source.ts";
import type { Router } from "./streams/router.ts";

/** The three stages a run connects. */
export interface Pipeline {
  source: EventSource;
  policies: PolicySet;
  router: Router;
}

/** Options of {@link runPipeline}. */
export interface RunOptions {
  /** Called once the source has ended, before the streams drain: destinations start their grace clocks. */
  onSourceEnd?: () => void;
}

/**
 * Moves batches from the source through the policies into the router until the source
 * ends (end of input, or `source.stop()` on a signal), then drains every stream and
 * closes every destination. Awaiting the router's backpressure before the next read is
 * what makes block mode lossless.
 */
export async function runPipeline(pipeline: Pipeline, options: RunOptions = {}): Promise<void> {
  const { source, policies, router } = pipeline;
  try {
    for await (const batch of source.batches()) {
      const matched = policies.match(batch);
      if (matched.length === 0) continue;
      const wait = router.push(matched);
      if (wait !== undefined) await wait;
    }
  } finally {
    options.onSourceEnd?.();
    await router.close();
  }
}

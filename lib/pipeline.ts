/**
 * The data path in one loop: source -> policy -> router, then drain.
 *
 * @module
 */

import type { PolicySet } from "./policy/policy_set.ts";
import type { EventSource } from "./source/source.ts";
import type { Router } from "./streams/router.ts";

/**
 * Moves batches from `source` through `policies` into `router` until the source ends
 * (end of input, or `source.stop()` on a signal), then drains every stream and closes
 * every destination. Awaiting the router's backpressure before the next read is what
 * makes block mode lossless.
 */
export async function runPipeline(source: EventSource, policies: PolicySet, router: Router): Promise<void> {
  try {
    for await (const batch of source.batches()) {
      const matched = policies.match(batch);
      if (matched.length === 0) continue;
      const wait = router.push(matched);
      if (wait !== undefined) await wait;
    }
  } finally {
    await router.close();
  }
}

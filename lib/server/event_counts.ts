/**
 * Counts the events that matched a policy, by event name, as they enter the streams.
 *
 * @module
 */

import type { Router } from "../streams/router.ts";

/** `router` with a count per event name of every batch pushed into it (the counts are live). */
export function countingRouter(router: Router): { router: Router; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  return {
    counts,
    router: {
      streams: router.streams,
      push(batch) {
        for (const event of batch) counts.set(event.name, (counts.get(event.name) ?? 0) + 1);
        return router.push(batch);
      },
      close: () => router.close(),
      counters: () => router.counters(),
    },
  };
}

/**
 * What a run does once its source is open and before the first event moves: start the
 * `--server` (metrics and health) and give up the privileges the pipeline no longer needs.
 *
 * @module
 */

import { DEFAULT_GRACE_MS } from "../config/url_params.ts";
import { restrictPrivileges } from "../privileges/mod.ts";
import { countingRouter, type Service, startService } from "../server/mod.ts";
import type { EventSource } from "../source/source.ts";
import type { Router } from "../streams/router.ts";
import type { Plan } from "./plan.ts";
import { revokePermissions, unneededOnceStarted } from "./permissions.ts";

/** The parts of a run the server reads, and whether a file destination can be reopened (SIGHUP). */
export interface OpenRun {
  router: Router;
  source: EventSource;
  reopensFiles: boolean;
}

/** A run being operated: push events into `router`; `close` stops the server. */
export interface Operated {
  router: Router;
  close(): Promise<void>;
}

/**
 * Starts the server (if asked for: it binds before privileges go, so a low port works) and
 * then drops privileges. Throws a one-line error when either fails; nothing is left running.
 */
export async function operate(plan: Plan, run: OpenRun): Promise<Operated> {
  const settings = plan.options.server;
  let service: Service | undefined;
  let router = run.router;
  if (settings !== undefined) {
    const counted = countingRouter(run.router);
    router = counted.router;
    const capacities = new Map(plan.config.streams.map((s) => [s.name, s.buffer.size]));
    service = startService(settings, { ...run, capacities, events: counted.counts }, {
      graceMs: DEFAULT_GRACE_MS,
    });
  }
  try {
    restrictPrivileges(plan.options.capabilities, {
      kernel: plan.options.input === undefined,
      reopensFiles: run.reopensFiles,
    });
    revokePermissions(unneededOnceStarted(plan.options));
  } catch (error) {
    await service?.close();
    throw error;
  }
  return { router, close: async () => await service?.close() };
}

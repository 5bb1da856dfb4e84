/**
 * The policy stage's contract: which events to trace, and which policies each event
 * matched. The data path calls {@link PolicySet.match} on every batch before routing.
 *
 * @module
 */

import type { Event } from "../events/event.ts";
import type { KernelFilter } from "./kernel_filter.ts";

/** The name of the implicit policy used when no `--policy`, `--scope` or `--events` is given. */
export const DEFAULT_POLICY = "default";

/** Compiled policies. */
export interface PolicySet {
  /** Policy names, in bit order. */
  readonly names: readonly string[];
  /** The union of every policy's events: what the kernel side is asked to submit; `undefined` means all. */
  readonly events: ReadonlySet<string> | undefined;
  /** A policy's scope selects containers (`container`, `container=ID`): Tracee's container mode. */
  readonly containerScoped: boolean;
  /** What the kernel can decide of these policies (bpf/filter.h); absent: it submits every record. */
  readonly kernelFilter?: KernelFilter;
  /**
   * Sets `policies.matched` on each event of `batch` and returns the events that matched
   * at least one policy, in order. May reuse `batch` as the result.
   */
  match(batch: Event[]): Event[];
}

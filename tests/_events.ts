// Test helpers: small, valid Tracee events and an in-memory destination.
import type { Event } from "../lib/events/event.ts";
import { type Destination, newMetrics, sinkDestination } from "../lib/destinations/destination.ts";

export function makeEvent(seq: number, name = "sched_process_exec", policies = ["default"]): Event {
  return {
    timestamp: new Date(Date.UTC(2026, 10, 28, 12, 0, 0) + seq).toISOString().replace("Z", "123456Z"),
    id: 1015,
    name,
    policies: { matched: policies },
    workload: {
      process: {
        pid: 1000 + seq,
        host_pid: 1000 + seq,
        real_user: { id: 0 },
        thread: { name: "bash", tid: 1000 + seq, host_tid: 1000 + seq },
      },
    },
    data: [{ name: "seq", int32: seq }, { name: "pathname", str: "/usr/bin/ls" }],
  };
}

export function makeBatch(from: number, count: number, name?: string, policies?: string[]): Event[] {
  return Array.from({ length: count }, (_, i) => makeEvent(from + i, name, policies));
}

/** A destination that keeps what it receives, optionally waiting `delayMs` per batch. */
export function memoryDestination(name: string, delayMs = 0): Destination & { received: Event[] } {
  const received: Event[] = [];
  const metrics = newMetrics();
  const destination = sinkDestination(name, {
    async write(batch) {
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      received.push(...batch);
      metrics.delivered += batch.length;
    },
    close() {},
  }, metrics);
  return Object.assign(destination, { received });
}

export const seqOf = (event: Event): number => event.data![0].int32!;

/**
 * sluice's metric families, from one {@link RunSnapshot}. Names start with `sluice_`; two of
 * Tracee's names (`tracee_events_total`, `tracee_lostevents_total`) are kept for existing dashboards.
 *
 * @module
 */

import type { MetricFamily, Sample } from "./exposition.ts";
import type { DestinationSnapshot, RunSnapshot, StreamSnapshot } from "./snapshot.ts";

function counter(name: string, help: string, samples: Sample[]): MetricFamily {
  return { name, help, type: "counter", samples };
}

function gauge(name: string, help: string, samples: Sample[]): MetricFamily {
  return { name, help, type: "gauge", samples };
}

function perStream(streams: StreamSnapshot[], value: (s: StreamSnapshot) => number | undefined): Sample[] {
  return streams.flatMap((s) => {
    const v = value(s);
    return v === undefined ? [] : [{ labels: { stream: s.name }, value: v }];
  });
}

function perDestination(
  destinations: DestinationSnapshot[],
  value: (d: DestinationSnapshot) => number | undefined,
): Sample[] {
  return destinations.flatMap((d) => {
    const v = value(d);
    return v === undefined ? [] : [{ labels: { destination: d.name }, value: v }];
  });
}

/** Accepted by a stream and not yet delivered, dropped or failed: in its queue or being written. */
export function queued(stream: StreamSnapshot): number {
  return stream.matched - stream.delivered - stream.dropped - (stream.failed ?? 0);
}

/** The families of `snapshot`, in a fixed order. */
export function runFamilies(snapshot: RunSnapshot): MetricFamily[] {
  const { streams, destinations } = snapshot;
  const total = [...snapshot.events.values()].reduce((sum, n) => sum + n, 0);
  const byName = [...snapshot.events].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
    .map(([event, value]) => ({ labels: { event }, value }));
  const families = [
    counter("sluice_events_total", "Events that matched a policy, by event name.", byName),
    counter("tracee_events_total", "Events that matched a policy (Tracee's name).", [{ value: total }]),
  ];
  if (snapshot.lostEvents !== undefined) {
    const lost = [{ value: snapshot.lostEvents }];
    families.push(
      counter("sluice_kernel_lost_events_total", "Records the kernel could not hand to sluice.", lost),
      counter(
        "tracee_lostevents_total",
        "Records the kernel could not hand to sluice (Tracee's name).",
        lost,
      ),
    );
  }
  families.push(
    counter(
      "sluice_stream_matched_events_total",
      "Events that passed the stream's filters.",
      perStream(streams, (s) => s.matched),
    ),
    counter(
      "sluice_stream_delivered_events_total",
      "Events handed to every destination of the stream.",
      perStream(streams, (s) => s.delivered),
    ),
    counter(
      "sluice_stream_dropped_events_total",
      "Events a full drop-mode queue turned away.",
      perStream(streams, (s) => s.dropped),
    ),
  );
  if (streams.some((s) => s.failed !== undefined)) {
    families.push(
      counter(
        "sluice_stream_failed_events_total",
        "Accepted events the stream's destinations gave up on.",
        perStream(streams, (s) => s.failed),
      ),
    );
  }
  families.push(
    gauge(
      "sluice_stream_queued_events",
      "Events accepted and not yet delivered (queued or being written).",
      perStream(streams, queued),
    ),
    gauge(
      "sluice_stream_queue_capacity_events",
      "How many events the stream's queue holds (buffer.size).",
      perStream(streams, (s) => s.capacity),
    ),
    counter(
      "sluice_destination_delivered_events_total",
      "Events the destination handed on successfully.",
      perDestination(destinations, (d) => d.delivered),
    ),
    counter(
      "sluice_destination_failed_events_total",
      "Events the destination gave up on.",
      perDestination(destinations, (d) => d.failed),
    ),
    counter(
      "sluice_destination_retries_total",
      "Attempts the destination repeated after a failure.",
      perDestination(destinations, (d) => d.retried),
    ),
  );
  if (destinations.some((d) => d.inFlight !== undefined)) {
    families.push(
      gauge(
        "sluice_destination_in_flight_events",
        "Events being sent and not yet settled.",
        perDestination(destinations, (d) => d.inFlight),
      ),
    );
  }
  return families;
}

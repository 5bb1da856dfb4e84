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

function perStream(streams: StreamSnapshot[], value: (s: StreamSnapshot) => number): Sample[] {
  return streams.map((s) => ({ labels: { stream: s.name }, value: value(s) }));
}

function perDestination(
  destinations: DestinationSnapshot[],
  value: (d: DestinationSnapshot) => number,
): Sample[] {
  return destinations.map((d) => ({ labels: { destination: d.name }, value: value(d) }));
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
  families.push(
    counter(
      "sluice_stream_failed_events_total",
      "Accepted events the stream's destinations gave up on.",
      perStream(streams, (s) => s.failed),
    ),
    gauge(
      "sluice_stream_queued_events",
      "Events accepted and not yet delivered (queued or being written).",
      perStream(streams, (s) => s.pending),
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
    counter(
      "sluice_destination_possible_duplicates_total",
      "Events sent again after a try that may have arrived (a timeout or a reset).",
      perDestination(destinations, (d) => d.duplicatesPossible),
    ),
    gauge(
      "sluice_destination_in_flight_events",
      "Events being sent and not yet settled.",
      perDestination(destinations, (d) => d.inFlight),
    ),
  );
  return families;
}

/**
 * A resolved {@link OutputConfig} as the lines `sluice validate` prints, secrets redacted and
 * control characters escaped as in every line sluice prints.
 *
 * @module
 */

import { cleanLine } from "../log.ts";
import type { DestinationConfig, OutputConfig, StreamConfig } from "./types.ts";

function listOrAll(names: readonly string[]): string {
  return names.length === 0 ? "all" : names.join(", ");
}

function describeDestination(destination: DestinationConfig): string {
  const target = destination.type === "file" ? `path ${destination.path}` : `url ${destination.url}`;
  return `    destination ${destination.name}: type ${destination.type}, format ${destination.format}, ${target}`;
}

function describeStream(stream: StreamConfig, byName: Map<string, DestinationConfig>): string[] {
  return [
    `stream ${stream.name}: mode ${stream.buffer.mode}, size ${stream.buffer.size}`,
    `  filters: events ${listOrAll(stream.filters.events)}; policies ${listOrAll(stream.filters.policies)}`,
    ...stream.destinations.map((name) => {
      const destination = byName.get(name);
      return destination === undefined
        ? `    destination ${name}: (not declared)`
        : describeDestination(destination);
    }),
  ];
}

/** A multi-line summary: each stream with its mode, size and filters, then its destinations. */
export function describeConfig(config: OutputConfig): string {
  if (config.destinations.length === 0) {
    return "no output (--output none): events are traced but written nowhere";
  }
  const byName = new Map(config.destinations.map((destination) => [destination.name, destination]));
  const sorting = config.sortEvents ? ["events sorted by time (sort-events)"] : [];
  return [...sorting, ...config.streams.flatMap((stream) => describeStream(stream, byName))]
    .map(cleanLine).join("\n");
}

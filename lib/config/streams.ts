/**
 * Declared streams -> resolved {@link StreamConfig}s: defaults, the implicit `default-stream`
 * and the rules tying streams to destinations, events and policies.
 *
 * @module
 */

import { eventByName } from "../events/catalog.ts";
import type { ParsedOutput } from "./schema.ts";
import { DEFAULT_STREAM, type StreamConfig } from "./types.ts";

type ParsedStream = NonNullable<ParsedOutput["streams"]>[number];

/** Resolved streams plus the problems found. */
export interface StreamResolution {
  streams: StreamConfig[];
  problems: string[];
}

/** What streams are checked against. */
export interface StreamContext {
  /** Every declared destination name, in declaration order. */
  destinations: readonly string[];
  /** Policy names `filters.policies` may use. */
  knownPolicies: readonly string[];
}

function withDefaults(entry: ParsedStream): StreamConfig {
  return {
    name: entry.name,
    destinations: [...(entry.destinations ?? [])],
    filters: { events: [...(entry.filters?.events ?? [])], policies: [...(entry.filters?.policies ?? [])] },
    buffer: { size: entry.buffer?.size ?? 1024, mode: entry.buffer?.mode ?? "block" },
  };
}

function filterProblems(stream: StreamConfig, knownPolicies: readonly string[]): string[] {
  const label = `streams.${stream.name}.filters`;
  const problems = stream.filters.events
    .filter((event) => eventByName(event) === undefined)
    .map((event) => `${label}.events: unknown event "${event}" (not in sluice's event catalog)`);
  const loaded = knownPolicies.length === 0
    ? "no policies are loaded"
    : `loaded: ${knownPolicies.join(", ")}`;
  for (const policy of stream.filters.policies) {
    if (!knownPolicies.includes(policy)) {
      problems.push(`${label}.policies: unknown policy "${policy}" (${loaded})`);
    }
  }
  return problems;
}

/**
 * Resolves the declared streams; destinations no stream names go to `default-stream`, which is
 * appended, or, when the user declared a stream of that name, added to that stream's list.
 */
export function resolveStreams(entries: readonly ParsedStream[], context: StreamContext): StreamResolution {
  const problems: string[] = [];
  const streams = entries.map(withDefaults);
  const declared = new Set(context.destinations);
  const owners = new Map<string, string>();
  for (const stream of streams) {
    const label = `streams.${stream.name}.destinations`;
    const listed = new Set<string>();
    for (const name of stream.destinations) {
      if (listed.has(name)) {
        problems.push(`${label}: "${name}" is listed twice`);
        continue;
      }
      listed.add(name);
      if (!declared.has(name)) {
        const known = context.destinations.length === 0
          ? "none are declared"
          : context.destinations.join(", ");
        problems.push(`${label}: "${name}" is not a declared destination (declared: ${known})`);
        continue;
      }
      const owner = owners.get(name);
      if (owner !== undefined && owner !== stream.name) {
        problems.push(
          `destinations.${name}: used by streams "${owner}" and "${stream.name}"; a destination belongs to one stream only`,
        );
      } else {
        owners.set(name, stream.name);
      }
    }
    problems.push(...filterProblems(stream, context.knownPolicies));
  }
  const unclaimed = context.destinations.filter((name) => !owners.has(name));
  if (unclaimed.length > 0) {
    const declaredDefault = streams.find((stream) => stream.name === DEFAULT_STREAM);
    if (declaredDefault !== undefined) declaredDefault.destinations.push(...unclaimed);
    else {
      streams.push({
        name: DEFAULT_STREAM,
        destinations: unclaimed,
        filters: { events: [], policies: [] },
        buffer: { size: 1024, mode: "block" },
      });
    }
  }
  for (const stream of streams) {
    if (stream.destinations.length > 0) continue;
    const why = stream.name === DEFAULT_STREAM
      ? " (every declared destination already belongs to another stream)"
      : "";
    problems.push(`streams.${stream.name}.destinations: a stream needs at least one destination${why}`);
  }
  return { streams, problems };
}

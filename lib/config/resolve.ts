/**
 * `--config` YAML or `--output` flags -> one validated {@link OutputConfig}. Either becomes one
 * raw object of the `output:` shape (flags, when given, instead of the file's section), one zod
 * schema checks it, then defaults, the implicit `default-stream` and the cross-field rules apply.
 *
 * @module
 */

import { resolveDestinations } from "./destinations.ts";
import { ConfigError } from "./errors.ts";
import { applyOutputFlags, type FlagOptions } from "./flags.ts";
import type { RawMap } from "./raw.ts";
import { issueProblems, namesIn, outputSchema, salvageEntries, show } from "./schema.ts";
import { resolveStreams } from "./streams.ts";
import type { DestinationConfig, OutputConfig } from "./types.ts";
import { readOutputSection } from "./yaml_file.ts";

/** What the user gave: the `--config` file (if any) and every `--output`/`-o` value in order. */
export interface ConfigInput {
  /** The `--config` file's contents and path. */
  yaml?: { text: string; path: string };
  /** Every `--output`/`-o` value, in order. */
  flags: string[];
}

/** What the configuration is checked against. */
export interface ResolveOptions {
  /** Names of the loaded policies; `filters.policies` must name one of these. */
  knownPolicies: readonly string[];
}

/** A valid configuration and the notices (one line each, starting `notice: `) to print once on stderr. */
export interface OutputResolution {
  config: OutputConfig;
  notices: string[];
}

/** What sluice writes with no output configuration at all: Tracee's `table` on stdout. */
const DEFAULT_DESTINATION: DestinationConfig = {
  name: "stdouttable",
  type: "file",
  format: "table",
  path: "stdout",
};

function fail(problems: string[]): never {
  throw new ConfigError(problems);
}

/** The positions of the text items of the file's list form; other items become problems. */
function listForm(list: readonly unknown[], path: string, problems: string[]): number[] {
  return list.flatMap((item, index) => {
    if (typeof item === "string") return [index];
    problems.push(
      `--config ${path}: output[${index}]: expected an --output value (text), got ${show(item)}`,
    );
    return [];
  });
}

/**
 * Resolves the output configuration. `--output` flags replace the file's `output:` section
 * (Tracee's precedence: a flag given on the command line wins over the config file's key).
 * Throws {@link ConfigError} listing every problem found: a YAML syntax error stops at the
 * file, otherwise flag, shape and cross-field problems are reported together (cross-field
 * rules run on the entries whose shape is right).
 */
export function resolveOutputConfig(input: ConfigInput, options: ResolveOptions): OutputResolution {
  const problems: string[] = [];
  const notices: string[] = [];
  let raw: RawMap = {};
  let flags = input.flags;
  let label: FlagOptions["label"];
  if (input.yaml !== undefined) {
    const { path } = input.yaml;
    const section = readOutputSection(input.yaml.text, path);
    problems.push(...section.problems);
    const output = section.output;
    if (output !== undefined && input.flags.length > 0) {
      notices.push(`notice: --output given: it replaces the output: section of ${path}, as in Tracee`);
    } else if (Array.isArray(output)) {
      const at = listForm(output, path, problems);
      flags = at.map((index) => output[index] as string);
      label = (flag, index) => `--config ${path}: output[${at[index]}] ${flag}`;
    } else if (output !== undefined) raw = structuredClone(output);
  }
  // A file that could not be read would make every flag naming its entries look wrong.
  const fileFailed = problems.length > 0;
  const flagged = applyOutputFlags(raw, flags, { label });
  problems.push(...flagged.problems);
  if (fileFailed) fail(problems);
  const parsed = outputSchema.safeParse(raw);
  if (!parsed.success) problems.push(...parsed.error.issues.flatMap((issue) => issueProblems(issue, raw)));
  const data = parsed.success ? parsed.data : salvageEntries(raw, parsed.error.issues);
  const none = flagged.none || data.none === true;
  const sortEvents = flagged.sortEvents || data["sort-events"] === true ? { sortEvents: true as const } : {};

  const declaredStreams = data.streams ?? [];
  const given = data.destinations ?? [];
  const nothingConfigured = isEmptyList(raw.destinations) && isEmptyList(raw.streams);
  if (none && nothingConfigured) {
    if (problems.length > 0) fail(problems);
    return { config: { destinations: [], streams: [], ...sortEvents }, notices };
  }
  const declared = nothingConfigured ? [DEFAULT_DESTINATION] : given;
  const destinations = resolveDestinations(declared);
  const streams = resolveStreams(declaredStreams, {
    destinations: nothingConfigured ? [DEFAULT_DESTINATION.name] : [...new Set(namesIn(raw.destinations))],
    knownPolicies: options.knownPolicies,
  });
  problems.push(...duplicateNames("destinations", declared), ...duplicateNames("streams", declaredStreams));
  problems.push(...destinations.problems, ...streams.problems);
  if (problems.length > 0) fail(problems);
  return {
    config: { destinations: destinations.destinations, streams: streams.streams, ...sortEvents },
    notices: [...notices, ...destinations.notices],
  };
}

function isEmptyList(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

function duplicateNames(kind: string, entries: readonly { name: string }[]): string[] {
  const counts = new Map<string, number>();
  for (const { name } of entries) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts]
    .filter(([, count]) => count > 1)
    .map(([name, count]) => `${kind}.${name}: the name is used by ${count} ${kind}; names must be unique`);
}

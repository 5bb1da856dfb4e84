/**
 * The one zod schema of Tracee's `output:` object (file and flags alike), and its issues
 * turned into problem lines that name the field by the names the user wrote.
 *
 * @module
 */

import { z } from "zod";
import { isRawMap, type RawMap } from "./raw.ts";

const name = z.string().min(1);
const names = z.array(z.string().min(1)).nullish();

function isFormat(value: string): boolean {
  return value === "json" || value === "table" || /^gotemplate=.+/.test(value);
}

/**
 * The largest `buffer.size`: a full queue holds this many events (about 1-2 KB each), so the
 * bound keeps one stream's queue to a few hundred MB while a destination is down.
 */
export const MAX_BUFFER_SIZE = 262_144;

function isPositiveInteger(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value) && value > 0;
}

/** File modes a destination may ask for: the owner reads and writes, others may only read. */
export function isFileMode(mode: number): boolean {
  return (mode & ~0o644) === 0 && (mode & 0o600) === 0o600;
}

function isPermissions(value: unknown): boolean {
  return typeof value === "string" && /^0?[0-7]{3}$/.test(value) && isFileMode(parseInt(value, 8));
}

const destinationSchema = z.strictObject({
  name,
  type: z.enum(["file", "webhook", "forward"]).nullish(),
  format: z.string().refine(isFormat, { message: 'expected "json", "table" or "gotemplate=PATH"' }).nullish(),
  path: z.string().min(1).nullish(),
  url: z.string().min(1).nullish(),
  permissions: z.custom<string>(isPermissions, {
    message: 'expected a quoted octal mode where only the owner may write: "0600", "0640" or "0644"',
  }).transform((text) => parseInt(text, 8)).nullish(),
});

const filtersSchema = z.strictObject({ events: names, policies: names });

const bufferSchema = z.strictObject({
  size: z.custom<number>(isPositiveInteger, { message: "expected a positive integer" })
    .refine((size) => size <= MAX_BUFFER_SIZE, {
      message: `expected at most ${MAX_BUFFER_SIZE} events (the largest buffer.size)`,
    }).nullish(),
  mode: z.enum(["block", "drop"]).nullish(),
});

const streamSchema = z.strictObject({
  name,
  destinations: names,
  filters: filtersSchema.nullish(),
  buffer: bufferSchema.nullish(),
});

/** Tracee's `output:` object: every field optional here; defaults and cross-field rules come after. */
export const outputSchema = z.strictObject({
  none: z.boolean().nullish(),
  "sort-events": z.boolean().nullish(),
  destinations: z.array(destinationSchema).nullish(),
  streams: z.array(streamSchema).nullish(),
});

/** The output object once it matches {@link outputSchema}. */
export type ParsedOutput = z.infer<typeof outputSchema>;

/** Known fields by where they appear (list indexes left out of the key). */
const KNOWN_FIELDS: Record<string, string[]> = {
  "": Object.keys(outputSchema.shape),
  "destinations": Object.keys(destinationSchema.shape),
  "streams": Object.keys(streamSchema.shape),
  "streams.filters": Object.keys(filtersSchema.shape),
  "streams.buffer": Object.keys(bufferSchema.shape),
};

type Path = readonly PropertyKey[];

function child(node: unknown, step: PropertyKey): unknown {
  if (Array.isArray(node)) return node[step as number];
  return isRawMap(node) ? node[String(step)] : undefined;
}

/** `streams.tracing.buffer.mode`, using an entry's name where it has one and `[index]` otherwise. */
function displayPath(path: Path, raw: RawMap): string {
  let text = "";
  let node: unknown = raw;
  path.forEach((step, depth) => {
    const entry = Array.isArray(node)
      ? node[step as number]
      : isRawMap(node)
      ? node[String(step)]
      : undefined;
    if (typeof step === "number") {
      const entryName = depth === 1 && isRawMap(entry) ? entry.name : undefined;
      text += typeof entryName === "string" && entryName !== "" ? `.${entryName}` : `[${step}]`;
    } else {
      text += text === "" ? String(step) : `.${String(step)}`;
    }
    node = entry;
  });
  return text;
}

function valueAt(raw: RawMap, path: Path): unknown {
  return path.reduce<unknown>(child, raw);
}

/** How much of a long value a problem line shows. */
const SHOWN_CHARS = 80;

/**
 * How a bad value is shown in a problem line: a long text by its beginning and its length,
 * so a 1 MB value does not become a 1 MB line.
 */
export function show(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (isRawMap(value)) return "a mapping";
  if (value === null) return "nothing";
  if (typeof value === "string" && value.length > SHOWN_CHARS) {
    return `${JSON.stringify(value.slice(0, SHOWN_CHARS))}... (${value.length} characters)`;
  }
  return JSON.stringify(value);
}

/** `"a", "b" or "c"`. */
function orList(values: readonly unknown[]): string {
  const quoted = values.map((value) => JSON.stringify(value));
  return quoted.length <= 1 ? quoted.join("") : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
}

const TYPE_WORDS: Record<string, string> = {
  array: "a list",
  object: "a mapping",
  string: "a string",
  number: "a number",
};

function fieldsKey(path: Path): string {
  return path.filter((step) => typeof step === "string").join(".");
}

/** One zod issue -> its problem lines (an unknown-keys issue names each key on its own line). */
export function issueProblems(issue: z.core.$ZodIssue, raw: RawMap): string[] {
  const where = displayPath(issue.path, raw);
  const value = valueAt(raw, issue.path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = (KNOWN_FIELDS[fieldsKey(issue.path)] ?? []).join(", ");
      return issue.keys.map((key) =>
        `${where === "" ? key : `${where}.${key}`}: unknown field; expected one of ${known}`
      );
    }
    case "invalid_value":
      return [`${where}: expected ${orList(issue.values)}, got ${show(value)}`];
    case "invalid_type":
      if (value === undefined) return [`${where}: required`];
      return [`${where}: expected ${TYPE_WORDS[issue.expected] ?? issue.expected}, got ${show(value)}`];
    case "too_small":
      return [`${where}: must not be empty`];
    case "custom":
      return [`${where}: ${issue.message}, got ${show(value)}`];
    default:
      return [`${where}: ${issue.message}`];
  }
}

function deleteAt(root: RawMap, path: Path): void {
  const node = valueAt(root, path.slice(0, -1));
  if (isRawMap(node)) delete node[String(path[path.length - 1])];
}

function pick<T>(list: unknown, schema: z.ZodType<T>): T[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry) => {
    const result = schema.safeParse(entry);
    return result.success ? [result.data] : [];
  });
}

/**
 * `raw` with every field the issues point at removed (a bad list item removes its list), keeping
 * only the entries that then match: cross-field rules still run on what is left, so their problems
 * are reported alongside the shape problems.
 */
export function salvageEntries(raw: RawMap, issues: readonly z.core.$ZodIssue[]): ParsedOutput {
  const copy = structuredClone(raw);
  for (const issue of issues) {
    const path = typeof issue.path.at(-1) === "number" && issue.path.length > 2
      ? issue.path.slice(0, -1)
      : issue.path;
    if (issue.code === "unrecognized_keys") issue.keys.forEach((key) => deleteAt(copy, [...path, key]));
    else if (path.length > 2) deleteAt(copy, path);
  }
  return {
    none: copy.none === true,
    "sort-events": copy["sort-events"] === true,
    destinations: pick(copy.destinations, destinationSchema),
    streams: pick(copy.streams, streamSchema),
  };
}

/** The non-empty names written in a raw list, valid entries or not. */
export function namesIn(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry) =>
    isRawMap(entry) && typeof entry.name === "string" && entry.name !== "" ? [entry.name] : []
  );
}

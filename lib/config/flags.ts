/**
 * `--output` flag values (or the `output:` list form of a config file) -> additions to the raw
 * `output:` object, in flag order. Values for a destination or stream name that already
 * exists merge into it; other names are appended.
 *
 * @module
 */

import { standardStream } from "./destinations.ts";
import { findNamed, isRawMap, type RawMap } from "./raw.ts";

/** What the flags did to the raw object. */
export interface FlagResult {
  /** `none` was given: no default stdout table (Tracee's `none`). */
  none: boolean;
  /** `sort-events` was given. */
  sortEvents: boolean;
  /** Malformed flags, one line each. */
  problems: string[];
}

/** Options of {@link applyOutputFlags}. */
export interface FlagOptions {
  /** How a problem names the flag at `index`. @default {`--output FLAG`} */
  label?: (flag: string, index: number) => string;
}

const DESTINATION_FIELDS = ["type", "format", "path", "url", "permissions"];
/** Flag field -> path inside a stream entry. */
const STREAM_FIELDS: Record<string, string[]> = {
  "destinations": ["destinations"],
  "filters.events": ["filters", "events"],
  "filters.policies": ["filters", "policies"],
  "buffer.mode": ["buffer", "mode"],
  "buffer.size": ["buffer", "size"],
};
const LIST_FIELDS = new Set(["destinations", "filters.events", "filters.policies"]);

const SHORT_FORMS = "table, json, json:PATH[,PATH], table:PATH[,PATH], gotemplate=TEMPLATE[:PATH], " +
  "webhook:URL, forward:URL, none, sort-events";

/** Thrown inside this module for one bad flag; becomes one problem line. */
class FlagProblem extends Error {}

/** The destination a short form describes, named as Tracee names it: path (or url) + format. */
function fileDestinations(format: string, paths: string[]): RawMap[] {
  return paths.map((path) => ({ name: path + format, type: "file", format, path }));
}

function splitPaths(flag: string, text: string, prefix: string): string[] {
  if (text === "") throw new FlagProblem(`expected a path after "${prefix}", e.g. ${prefix}/tmp/events.out`);
  const paths = text.split(",");
  if (paths.some((path) => path === "")) throw new FlagProblem(`empty path in "${flag}"`);
  return paths;
}

/** The destinations a short form adds, or undefined when `flag` is not a short form. */
function shortForm(flag: string): RawMap[] | undefined {
  if (flag === "table" || flag === "json") return fileDestinations(flag, ["stdout"]);
  for (const format of ["table", "json"]) {
    const prefix = `${format}:`;
    if (flag.startsWith(prefix)) {
      return fileDestinations(format, splitPaths(flag, flag.slice(prefix.length), prefix));
    }
  }
  if (flag.startsWith("gotemplate=")) {
    const rest = flag.slice("gotemplate=".length);
    const colon = rest.indexOf(":");
    const template = colon < 0 ? rest : rest.slice(0, colon);
    if (template === "") {
      throw new FlagProblem(`expected a template path after "gotemplate=", e.g. gotemplate=/t.tmpl`);
    }
    const paths = colon < 0 ? ["stdout"] : splitPaths(flag, rest.slice(colon + 1), `gotemplate=${template}:`);
    return fileDestinations(`gotemplate=${template}`, paths);
  }
  for (const type of ["webhook", "forward"]) {
    const prefix = `${type}:`;
    if (flag === type) {
      throw new FlagProblem(`expected a URL after "${prefix}", e.g. ${prefix}http://host:8080`);
    }
    if (flag.startsWith(prefix)) {
      const url = flag.slice(prefix.length);
      if (url === "") throw new FlagProblem(`expected a URL after "${prefix}"`);
      // Tracee names it URL + type (PreparePrinterConfig), unlike the file forms (path + format).
      return [{ name: url + type, type, url }];
    }
  }
  return undefined;
}

/** The list at `raw[key]`, created when absent; undefined when the file holds something else there. */
function listAt(raw: RawMap, key: string): unknown[] | undefined {
  if (raw[key] === undefined || raw[key] === null) raw[key] = [];
  const list = raw[key];
  return Array.isArray(list) ? list : undefined;
}

function entryNamed(raw: RawMap, key: string, name: string): RawMap | undefined {
  const list = listAt(raw, key);
  if (list === undefined) return undefined;
  const found = findNamed(list, name);
  if (found !== undefined) return found;
  const created: RawMap = { name };
  list.push(created);
  return created;
}

function splitKey(flag: string): [string, string] {
  const eq = flag.indexOf("=");
  if (eq < 0) throw new FlagProblem(`expected KEY=VALUE, e.g. destinations.NAME.format=json`);
  return [flag.slice(0, eq), flag.slice(eq + 1)];
}

function applyDestinationFlag(raw: RawMap, flag: string): void {
  const [key, value] = splitKey(flag);
  const rest = key.slice("destinations.".length);
  const dot = rest.lastIndexOf(".");
  const field = dot < 0 ? "" : rest.slice(dot + 1);
  if (!DESTINATION_FIELDS.includes(field)) {
    throw new FlagProblem(
      `unknown destination field "${field}"; expected destinations.NAME.FIELD=VALUE with FIELD one of ` +
        DESTINATION_FIELDS.join(", "),
    );
  }
  const entry = entryNamed(raw, "destinations", flagName(rest.slice(0, dot), "destination"));
  if (entry !== undefined) entry[field] = value;
}

/** A name taken from a flag key: the key is split at dots, so a name cannot hold one (as in Tracee). */
function flagName(name: string, kind: string): string {
  if (name === "") throw new FlagProblem(`the ${kind} name is empty`);
  if (name.includes(".")) {
    throw new FlagProblem(
      `"${name}": a ${kind} name in a flag cannot contain "."; name it in a config file instead`,
    );
  }
  return name;
}

/** Text -> number when it looks like one, so the schema reports "1.5" and "-1" as numbers and "abc" as text. */
function sizeValue(text: string): unknown {
  return /^[+-]?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

function applyStreamFlag(raw: RawMap, flag: string, listsFromFlags: Set<string>): void {
  const [key, value] = splitKey(flag);
  const rest = key.slice("streams.".length);
  const field = Object.keys(STREAM_FIELDS).find((name) => rest.endsWith(`.${name}`));
  if (field === undefined) {
    const dot = rest.indexOf(".");
    throw new FlagProblem(
      `unknown stream field "${
        dot < 0 ? "" : rest.slice(dot + 1)
      }"; expected streams.NAME.FIELD=VALUE with ` +
        `FIELD one of ${Object.keys(STREAM_FIELDS).join(", ")}`,
    );
  }
  const name = flagName(rest.slice(0, rest.length - field.length - 1), "stream");
  let target = entryNamed(raw, "streams", name);
  const path = STREAM_FIELDS[field];
  for (const step of path.slice(0, -1)) {
    if (target === undefined) return;
    if (target[step] === undefined || target[step] === null) target[step] = {};
    const next = target[step];
    target = isRawMap(next) ? next : undefined;
  }
  if (target === undefined) return;
  const last = path[path.length - 1];
  if (!LIST_FIELDS.has(field)) {
    target[last] = field === "buffer.size" ? sizeValue(value) : value;
    return;
  }
  // A list flag replaces the file's list; repeating the flag adds to what earlier flags gave.
  const items = value === "" ? [] : value.split(",").map((item) => item.trim());
  const seenKey = `${name}\0${field}`;
  const current = target[last];
  if (listsFromFlags.has(seenKey) && Array.isArray(current)) current.push(...items);
  else target[last] = items;
  listsFromFlags.add(seenKey);
}

/** Short forms that write to stdout, which `none` turns off (Tracee counts them as a second use of stdout). */
function writesStdout(added: readonly RawMap[]): boolean {
  return added.some((entry) => typeof entry.path === "string" && standardStream(entry.path) === "stdout");
}

/** Applies every `--output` value to `raw` (mutated), in order. */
export function applyOutputFlags(
  raw: RawMap,
  flags: readonly string[],
  options: FlagOptions = {},
): FlagResult {
  const label = options.label ?? ((flag: string) => `--output ${flag}`);
  const result: FlagResult = { none: false, sortEvents: false, problems: [] };
  const listsFromFlags = new Set<string>();
  const stdoutForms: string[] = [];
  flags.forEach((flag, index) => {
    try {
      const word = flag.split(":")[0];
      if (word === "none" || word === "sort-events") {
        if (flag !== word) throw new FlagProblem(`"${word}" takes no path or value`);
        if (word === "none") result.none = true;
        else result.sortEvents = true;
        return;
      }
      const added = shortForm(flag);
      if (added !== undefined) {
        listAt(raw, "destinations")?.push(...added);
        if (writesStdout(added)) stdoutForms.push(flag);
      } else if (flag.startsWith("destinations.")) applyDestinationFlag(raw, flag);
      else if (flag.startsWith("streams.")) applyStreamFlag(raw, flag, listsFromFlags);
      else {
        throw new FlagProblem(
          `unknown output flag; expected destinations.NAME.FIELD=VALUE, streams.NAME.FIELD=VALUE or one of ` +
            SHORT_FORMS,
        );
      }
    } catch (error) {
      if (!(error instanceof FlagProblem)) throw error;
      result.problems.push(`${label(flag, index)}: ${error.message}`);
    }
  });
  if (result.none && stdoutForms.length > 0) {
    const others = stdoutForms.map((flag) => `"${flag}"`).join(", ");
    result.problems.push(
      `--output none: turns stdout off, so it cannot be combined with ${others}, which writes there`,
    );
  }
  return result;
}

/**
 * Declared destinations -> resolved {@link DestinationConfig}s: type (given or inferred from the
 * url), Tracee's defaults, and every per-destination rule, including paths shared between them.
 *
 * @module
 */

import { posix } from "node:path";
import type { ParsedOutput } from "./schema.ts";
import type { DestinationConfig, DestinationType } from "./types.ts";
import { inferType, urlProblems } from "./url_params.ts";

type ParsedDestination = NonNullable<ParsedOutput["destinations"]>[number];

/** Resolved destinations (those that could be resolved) plus the problems and notices found. */
export interface DestinationResolution {
  destinations: DestinationConfig[];
  problems: string[];
  notices: string[];
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function resolveOne(entry: ParsedDestination, out: DestinationResolution): DestinationConfig | undefined {
  const label = `destinations.${entry.name}`;
  const url = entry.url ?? undefined;
  const path = entry.path ?? undefined;
  const parsedUrl = url === undefined ? undefined : parseUrl(url);
  if (url !== undefined && parsedUrl === undefined) {
    out.problems.push(`${label}.url: invalid URL "${url}"; expected e.g. http://localhost:8080/events`);
    return undefined;
  }
  let type: DestinationType = entry.type ?? "file";
  if (entry.type == null && parsedUrl !== undefined) {
    const inferred = inferType(parsedUrl);
    if ("problem" in inferred) {
      out.problems.push(`${label}.url: no type given and ${inferred.problem}`);
      return undefined;
    }
    type = inferred.type;
    out.notices.push(`notice: ${label}: no type given; "${type}" inferred because ${inferred.reason}`);
  }
  let ok = true;
  if (type === "file") {
    if (entry.permissions != null && STANDARD_STREAMS.has(path ?? "stdout")) {
      out.problems.push(
        `${label}.permissions: "0${entry.permissions.toString(8)}" is for files sluice creates, not for ${
          path ?? "stdout"
        }`,
      );
      ok = false;
    }
    if (url !== undefined) {
      const withPath = path === undefined ? "" : ` with path "${path}"`;
      out.problems.push(
        `${label}.url: "${url}" is for webhook and forward destinations, but this is a file destination${withPath}`,
      );
      ok = false;
    }
  } else {
    if (entry.permissions != null) {
      out.problems.push(`${label}.permissions: is for file destinations, but this is a ${type} destination`);
      ok = false;
    }
    if (path !== undefined) {
      const withUrl = url === undefined ? "" : ` sending to url "${url}"`;
      out.problems.push(
        `${label}.path: "${path}" is for file destinations, but this is a ${type} destination${withUrl}`,
      );
      ok = false;
    }
    if (parsedUrl === undefined) {
      out.problems.push(`${label}.url: required for a ${type} destination`);
      ok = false;
    } else {
      out.problems.push(...urlProblems(label, type, parsedUrl));
    }
  }
  if (!ok) return undefined;
  if (type === "file") {
    const permissions = entry.permissions == null ? {} : { permissions: entry.permissions };
    return {
      name: entry.name,
      type,
      format: entry.format ?? "table",
      path: path ?? "stdout",
      ...permissions,
    };
  }
  // Tracee's webhook takes its template from the url's gotemplate parameter.
  const template = type === "webhook" ? parsedUrl?.searchParams.get("gotemplate") : null;
  const format = entry.format ?? (template ? `gotemplate=${template}` : "json");
  if (template && format !== `gotemplate=${template}`) {
    out.problems.push(
      `${label}.format: "${format}" conflicts with the url's gotemplate parameter "${template}"; keep one of them`,
    );
  }
  return { name: entry.name, type, format, url };
}

/** Names of sluice's own standard output and error, each mapped to its plain name. */
const STANDARD_STREAMS = new Map([
  ["stdout", "stdout"],
  ["/dev/stdout", "stdout"],
  ["/proc/self/fd/1", "stdout"],
  ["/dev/fd/1", "stdout"],
  ["stderr", "stderr"],
  ["/dev/stderr", "stderr"],
  ["/proc/self/fd/2", "stderr"],
  ["/dev/fd/2", "stderr"],
]);

/**
 * `stdout` or `stderr` when `path` names sluice's own standard output or error (`/dev/stdout`,
 * `/proc/self/fd/1`, ...), otherwise undefined.
 */
export function standardStream(path: string): "stdout" | "stderr" | undefined {
  return STANDARD_STREAMS.get(posix.normalize(path)) as "stdout" | "stderr" | undefined;
}

/** Where a file destination writes, for spotting two destinations writing to one place. */
function pathKey(path: string): string {
  return standardStream(path) ?? posix.normalize(path);
}

/** Resolves every declared destination, in declaration order. */
export function resolveDestinations(entries: readonly ParsedDestination[]): DestinationResolution {
  const out: DestinationResolution = { destinations: [], problems: [], notices: [] };
  const pathOwners = new Map<string, string>();
  for (const entry of entries) {
    const destination = resolveOne(entry, out);
    if (destination === undefined) continue;
    out.destinations.push(destination);
    if (destination.path === undefined) continue;
    const key = pathKey(destination.path);
    const owner = pathOwners.get(key);
    if (owner !== undefined && owner !== destination.name) {
      out.problems.push(
        `destinations.${destination.name}.path: "${destination.path}" is already used by destination ` +
          `"${owner}"; give each file destination its own path`,
      );
    } else {
      pathOwners.set(key, destination.name);
    }
  }
  return out;
}

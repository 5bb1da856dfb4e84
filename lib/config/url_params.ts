/**
 * Destination URLs: which type a URL implies, and the syntax of the query parameters Tracee's
 * webhook and forward destinations read. Runtime destinations parse the same parameters again.
 *
 * @module
 */

import { parseGoDuration } from "./duration.ts";
import type { DestinationType } from "./types.ts";

const FORWARD_SCHEMES = ["tcp:", "udp:", "tls:"];
const HTTP_SCHEMES = ["http:", "https:"];
const FORWARD_ONLY_PARAMETERS = ["tag", "requireAck", "connectionTimeout"];

/** The type a URL implies, with the reason (for the notice), or a problem when none can be inferred. */
export type Inference = { type: DestinationType; reason: string } | { problem: string };

/** Infers webhook or forward from a parsed URL, as the seed page's type-less examples need. */
export function inferType(url: URL): Inference {
  if (FORWARD_SCHEMES.includes(url.protocol)) {
    return { type: "forward", reason: `its url scheme is "${url.protocol}"` };
  }
  if (HTTP_SCHEMES.includes(url.protocol)) {
    const parameter = FORWARD_ONLY_PARAMETERS.find((key) => url.searchParams.has(key));
    if (parameter !== undefined) {
      return { type: "forward", reason: `its url has the forward parameter "${parameter}"` };
    }
    return { type: "webhook", reason: `its url scheme is "${url.protocol}"` };
  }
  return {
    problem: `cannot infer the type from scheme "${url.protocol}"; set type to webhook (http, https) ` +
      `or forward (tcp, udp, tls)`,
  };
}

function durationProblem(text: string): string | undefined {
  try {
    return parseGoDuration(text) > 0 ? undefined : "must be positive";
  } catch {
    return "expected a Go duration such as 5s, 100ms or 1m30s";
  }
}

function booleanProblem(text: string): string | undefined {
  return text === "true" || text === "false" ? undefined : `expected "true" or "false"`;
}

function positiveIntegerProblem(text: string): string | undefined {
  return /^[1-9]\d*$/.test(text) ? undefined : "expected a positive integer";
}

function nonEmptyProblem(text: string): string | undefined {
  return text === "" ? "must not be empty" : undefined;
}

const PARAMETERS: Record<"webhook" | "forward", Record<string, (text: string) => string | undefined>> = {
  webhook: {
    timeout: durationProblem,
    contentType: nonEmptyProblem,
    gotemplate: nonEmptyProblem,
    batch: positiveIntegerProblem,
  },
  forward: {
    tag: nonEmptyProblem,
    requireAck: booleanProblem,
    connectionTimeout: durationProblem,
  },
};

/** Problems with a webhook or forward URL: its scheme and its known parameters (`label` prefixes each). */
export function urlProblems(label: string, type: "webhook" | "forward", url: URL): string[] {
  const problems: string[] = [];
  const schemes = type === "webhook" ? HTTP_SCHEMES : [...FORWARD_SCHEMES, ...HTTP_SCHEMES];
  if (!schemes.includes(url.protocol)) {
    problems.push(
      `${label}.url: a ${type} url needs scheme ${
        schemes.join(", ")
      }; got "${url.protocol}" in "${url.href}"`,
    );
  }
  for (const [key, check] of Object.entries(PARAMETERS[type])) {
    for (const value of url.searchParams.getAll(key)) {
      const problem = check(value);
      if (problem !== undefined) problems.push(`${label}.url: parameter ${key}: ${problem}, got "${value}"`);
    }
  }
  return problems;
}

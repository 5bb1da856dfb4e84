/**
 * The one reader of destination URLs: which type a URL implies, and a webhook's or forward's
 * URL -> typed settings plus every problem, one line each naming the destination, the
 * parameter and the value. Config validation and the destinations both call it, so what
 * `sluice validate` accepts is exactly what a destination runs with. Pure: no I/O.
 *
 * @module
 */

import { parseGoDuration } from "./duration.ts";
import type { DestinationConfig, DestinationType } from "./types.ts";

/** How long a draining destination may go without delivering anything before it is given up. */
export const DEFAULT_GRACE_MS = 10_000;
/** Tracee's default `timeout` and `connectionTimeout`. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Requests a webhook keeps in flight unless `inFlight` says otherwise. */
export const DEFAULT_IN_FLIGHT = 16;
/** The largest `inFlight` and `batch` accepted (each request holds its events in memory). */
export const MAX_IN_FLIGHT = 256;
/** The largest `batch` accepted. */
export const MAX_BATCH = 10_000;
/** The Fluent Forward protocol's usual port. */
export const FORWARD_PORT = 24224;

/** What a webhook destination posts, where and how. */
export interface WebhookSettings {
  /** The URL posted to: the configured one without credentials and without sluice's own parameters. */
  url: string;
  /** `Basic ...` from the URL's `user:password@`, if any. */
  authorization?: string;
  timeoutMs: number;
  contentType: string;
  /** `json`, `table` or `gotemplate=PATH` (the URL's `gotemplate` wins over `format`). */
  format: string;
  /** Events per request; 1 posts each event alone, more posts them as lines. */
  batch: number;
  /** Requests sent before the first of them is answered. */
  inFlight: number;
  /** See {@link DEFAULT_GRACE_MS}. */
  graceMs: number;
}

/** Where and how a forward destination sends. */
export interface ForwardSettings {
  host: string;
  port: number;
  tls: boolean;
  tag: string;
  requireAck: boolean;
  connectionTimeoutMs: number;
  username?: string;
  password?: string;
  sharedKey?: string;
  /** PEM file of the CA that signed the collector's certificate (`tls://` only; else the system's). */
  tlsCA?: string;
  /** See {@link DEFAULT_GRACE_MS}. */
  graceMs: number;
  /** A notice to print once (an `http://` URL read as `tcp://`). */
  notice?: string;
}

/** A step's value (absent when it has problems) and its problems. */
export interface Resolved<T> {
  settings?: T;
  problems: string[];
}

/** The query parameters sluice reads from a webhook URL and removes before posting; others are kept. */
export const WEBHOOK_PARAMS: readonly string[] = [
  "timeout",
  "contentType",
  "gotemplate",
  "batch",
  "inFlight",
  "grace",
];
/** The query parameters of a forward URL; any other is a problem. */
export const FORWARD_PARAMS: readonly string[] = [
  "tag",
  "requireAck",
  "connectionTimeout",
  "sharedKey",
  "tlsCA",
  "grace",
];
const FORWARD_ONLY_PARAMS = ["tag", "requireAck", "connectionTimeout"];

/** The type a URL implies, with the reason (for the notice), or a problem when none can be inferred. */
export type Inference = { type: DestinationType; reason: string } | { problem: string };

/** Infers webhook or forward from a parsed URL, as the seed page's type-less examples need. */
export function inferType(url: URL): Inference {
  if (["tcp:", "udp:", "tls:"].includes(url.protocol)) {
    return { type: "forward", reason: `its url scheme is "${url.protocol}"` };
  }
  if (url.protocol === "http:" || url.protocol === "https:") {
    const parameter = FORWARD_ONLY_PARAMS.find((key) => url.searchParams.has(key));
    if (parameter !== undefined) {
      return { type: "forward", reason: `its url has the forward parameter "${parameter}"` };
    }
    return { type: "webhook", reason: `its url scheme is "${url.protocol}"` };
  }
  return {
    problem: `cannot infer the type from scheme "${url.protocol}"; set type to webhook (http, https) ` +
      `or forward (tcp, tls)`,
  };
}

type Check<T> = (text: string) => { value: T } | { problem: string };

const durationCheck: Check<number> = (text) => {
  let ms: number;
  try {
    ms = parseGoDuration(text);
  } catch {
    return { problem: "expected a Go duration such as 5s, 100ms or 1m30s" };
  }
  return ms > 0 ? { value: ms } : { problem: "must be positive" };
};

const integerCheck = (max: number): Check<number> => (text) => {
  if (!/^[1-9]\d*$/.test(text)) return { problem: "expected a positive integer" };
  return Number(text) <= max ? { value: Number(text) } : { problem: `must be at most ${max}` };
};

const booleanCheck: Check<boolean> = (text) =>
  text === "true" || text === "false"
    ? { value: text === "true" }
    : { problem: `expected "true" or "false"` };

const textCheck: Check<string> = (text) => text === "" ? { problem: "must not be empty" } : { value: text };

/** Reads query parameters, collecting a problem (naming parameter and value) for each bad one. */
class QueryReader {
  readonly problems: string[] = [];
  constructor(readonly label: string, readonly query: URLSearchParams) {}

  /** The parameter's value read by `check`, or `fallback` when it is absent or bad. */
  read<T>(key: string, check: Check<T>, fallback: T): T {
    const text = this.query.get(key);
    if (text === null) return fallback;
    const result = check(text);
    if ("value" in result) return result.value;
    this.problems.push(`${this.label}.url: parameter ${key}: ${result.problem}, got "${text}"`);
    return fallback;
  }
}

/** A URL's `user:password@`, decoded. */
function credentials(url: URL): { username?: string; password?: string } {
  return {
    username: url.username === "" ? undefined : decodeURIComponent(url.username),
    password: url.password === "" ? undefined : decodeURIComponent(url.password),
  };
}

/** Options of {@link webhookSettings} and {@link forwardSettings}. */
export interface UrlOptions {
  /** How problems name the destination, e.g. `destinations.hook`. */
  label: string;
  /** The destination's format (a webhook's `gotemplate` parameter overrides it). @default {"json"} */
  format?: string;
}

/** Reads a webhook URL (`http://`, `https://`). */
export function webhookSettings(url: URL, options: UrlOptions): Resolved<WebhookSettings> {
  const { label } = options;
  const reader = new QueryReader(label, url.searchParams);
  const problems = reader.problems;
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    problems.push(
      `${label}.url: a webhook url needs scheme http:, https:; got "${url.protocol}" in "${url.href}"`,
    );
  }
  const timeoutMs = reader.read("timeout", durationCheck, DEFAULT_TIMEOUT_MS);
  const givenType = reader.read<string | undefined>("contentType", textCheck, undefined);
  const template = reader.read<string | undefined>("gotemplate", textCheck, undefined);
  const batch = reader.read("batch", integerCheck(MAX_BATCH), 1);
  const inFlight = reader.read("inFlight", integerCheck(MAX_IN_FLIGHT), DEFAULT_IN_FLIGHT);
  const graceMs = reader.read("grace", durationCheck, DEFAULT_GRACE_MS);
  const format = template === undefined ? options.format ?? "json" : `gotemplate=${template}`;
  const contentType = givenType ??
    (batch > 1 && format === "json" ? "application/x-ndjson" : "application/json");
  if (problems.length > 0) return { problems };

  const { username, password } = credentials(url);
  const authorization = username === undefined && password === undefined
    ? undefined
    : `Basic ${btoa(`${username ?? ""}:${password ?? ""}`)}`;
  const target = new URL(url.href);
  target.username = "";
  target.password = "";
  for (const param of WEBHOOK_PARAMS) target.searchParams.delete(param);
  return {
    settings: {
      url: target.href,
      authorization,
      timeoutMs,
      contentType,
      format,
      batch,
      inFlight,
      graceMs,
    },
    problems,
  };
}

/** Reads a forward URL (`tcp://`, `tls://`; `http://` and `https://` are read as tcp and tls). */
export function forwardSettings(url: URL, options: UrlOptions): Resolved<ForwardSettings> {
  const { label } = options;
  const reader = new QueryReader(label, url.searchParams);
  const problems = reader.problems;
  const scheme = url.protocol.slice(0, -1);
  let notice: string | undefined;
  // Tracee's own docs show http:// for forward; read it (and https://) as the protocol's tcp (and tls).
  const read = { http: "tcp", https: "tls" }[scheme];
  const transport = read ?? scheme;
  if (read !== undefined) {
    notice = `${label}: forward url "${url.href}" uses ${scheme}://; sending Fluent Forward over ${read}`;
  } else if (scheme === "udp") {
    problems.push(`${label}.url: udp is not supported for forward in "${url.href}": use tcp:// or tls://`);
  } else if (scheme !== "tcp" && scheme !== "tls") {
    problems.push(
      `${label}.url: a forward url needs scheme tcp:, tls: (or http:, https:, read as tcp:, tls:); got ` +
        `"${url.protocol}" in "${url.href}"`,
    );
  }
  const tag = reader.read("tag", textCheck, "tracee");
  const requireAck = reader.read("requireAck", booleanCheck, false);
  const connectionTimeoutMs = reader.read("connectionTimeout", durationCheck, DEFAULT_TIMEOUT_MS);
  const graceMs = reader.read("grace", durationCheck, DEFAULT_GRACE_MS);
  for (const key of new Set(url.searchParams.keys())) {
    if (!FORWARD_PARAMS.includes(key)) {
      problems.push(
        `${label}.url: parameter ${key}: unknown for forward (known: ${FORWARD_PARAMS.join(", ")})`,
      );
    }
  }
  const { username, password } = credentials(url);
  const sharedKey = url.searchParams.get("sharedKey") ?? undefined;
  if (username !== undefined && sharedKey === undefined) {
    problems.push(
      `${label}.url: user "${username}" needs ?sharedKey=KEY too: the forward handshake authenticates with a shared key`,
    );
  }
  const tlsCA = url.searchParams.get("tlsCA") ?? undefined;
  if (tlsCA !== undefined && transport !== "tls") {
    problems.push(`${label}.url: parameter tlsCA: needs a tls:// URL, got "${url.href}"`);
  }
  if (problems.length > 0) return { problems };
  return {
    settings: {
      host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: url.port === "" ? FORWARD_PORT : Number(url.port),
      tls: transport === "tls",
      tag,
      requireAck,
      connectionTimeoutMs,
      username,
      password,
      sharedKey,
      tlsCA,
      graceMs,
      notice,
    },
    problems,
  };
}

/** Problems with a webhook or forward URL (`label` names the destination): the same reading the destination does. */
export function urlProblems(label: string, type: "webhook" | "forward", url: URL): string[] {
  return (type === "webhook" ? webhookSettings(url, { label }) : forwardSettings(url, { label })).problems;
}

/** The URL of a resolved webhook or forward destination, or the problem that it has none or a bad one. */
export function destinationUrl(config: DestinationConfig): Resolved<URL> {
  const label = `destinations.${config.name}`;
  if (config.url === undefined || config.url === "") {
    return { problems: [`${label}.url: required for a ${config.type} destination`] };
  }
  try {
    return { settings: new URL(config.url), problems: [] };
  } catch {
    return {
      problems: [`${label}.url: invalid URL "${config.url}"; expected e.g. http://localhost:8080/events`],
    };
  }
}

/** A resolved webhook destination's settings (its URL read by {@link webhookSettings}). */
export function webhookConfigSettings(config: DestinationConfig): Resolved<WebhookSettings> {
  const url = destinationUrl(config);
  if (url.settings === undefined) return { problems: url.problems };
  return webhookSettings(url.settings, { label: `destinations.${config.name}`, format: config.format });
}

/** A resolved forward destination's settings (its URL read by {@link forwardSettings}). */
export function forwardConfigSettings(config: DestinationConfig): Resolved<ForwardSettings> {
  const url = destinationUrl(config);
  if (url.settings === undefined) return { problems: url.problems };
  return forwardSettings(url.settings, { label: `destinations.${config.name}` });
}

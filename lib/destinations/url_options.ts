/**
 * Reads a network destination's URL into its settings, collecting every problem as a
 * one-line message naming the destination and the value. Pure: no I/O.
 *
 * @module
 */

import { parseGoDuration } from "../config/duration.ts";
import type { DestinationConfig } from "../config/types.ts";

/** What a webhook destination posts and how. */
export interface WebhookSettings {
  /** The URL posted to: the configured one without sluice's own query parameters. */
  url: string;
  timeoutMs: number;
  contentType: string;
  /** `json`, `table` or `gotemplate=PATH` (the URL's `gotemplate` wins over `format`). */
  format: string;
  /** Events per request; 1 posts each event alone, more posts JSON lines. */
  batch: number;
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
  /** A notice to print once (an `http://` URL read as `tcp://`). */
  notice?: string;
}

/** Settings, or the problems that stopped them. */
export type Parsed<T> = { ok: true; settings: T } | { ok: false; problems: string[] };

/** The query parameters sluice reads from a webhook URL and removes before posting. */
export const WEBHOOK_PARAMS: readonly string[] = ["timeout", "contentType", "gotemplate", "batch"];
const FORWARD_PARAMS = ["tag", "requireAck", "connectionTimeout", "sharedKey", "tlsCA"];
/** The Fluent Forward protocol's usual port. */
export const FORWARD_PORT = 24224;

/** Text (a URL, or a message quoting one) as it may be shown: each URL's password becomes `***`. */
export function redactUrl(text: string): string {
  return text.replace(/\/\/([^/:@\s]*):[^/@\s]*@/g, "//$1:***@");
}

function readUrl(config: DestinationConfig, problems: string[]): URL | undefined {
  const where = `destinations.${config.name}.url`;
  if (config.url === undefined || config.url === "") {
    problems.push(`${where}: a ${config.type} destination needs a url`);
    return undefined;
  }
  try {
    return new URL(config.url);
  } catch {
    problems.push(`${where}: invalid URL "${redactUrl(config.url)}"`);
    return undefined;
  }
}

function duration(config: DestinationConfig, param: string, text: string | null, fallback: string) {
  return (problems: string[]): number => {
    const value = text ?? fallback;
    let ms: number;
    try {
      ms = parseGoDuration(value);
    } catch {
      ms = NaN;
    }
    if (!Number.isFinite(ms) || ms <= 0) {
      problems.push(
        `destinations.${config.name}.url: ${param}="${value}" is not a positive Go duration (e.g. 5s, 500ms)`,
      );
    }
    return ms;
  };
}

/** Reads a webhook destination's URL. */
export function parseWebhook(config: DestinationConfig): Parsed<WebhookSettings> {
  const problems: string[] = [];
  const url = readUrl(config, problems);
  if (url === undefined) return { ok: false, problems };
  const where = `destinations.${config.name}.url`;
  const shown = redactUrl(config.url ?? "");
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    problems.push(`${where}: scheme "${url.protocol.slice(0, -1)}" is not http or https in "${shown}"`);
  }
  const query = url.searchParams;
  const timeoutMs = duration(config, "timeout", query.get("timeout"), "10s")(problems);
  const batchText = query.get("batch") ?? "1";
  const batch = Number(batchText);
  if (!/^\d+$/.test(batchText) || batch < 1) {
    problems.push(`${where}: batch="${batchText}" is not a positive integer`);
  }
  const template = query.get("gotemplate");
  if (template === "") problems.push(`${where}: gotemplate= needs a template file path`);
  const format = template ? `gotemplate=${template}` : config.format;
  const contentType = query.get("contentType") ??
    (batch > 1 && format === "json" ? "application/x-ndjson" : "application/json");
  for (const param of WEBHOOK_PARAMS) query.delete(param);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, settings: { url: url.toString(), timeoutMs, contentType, format, batch } };
}

/** Reads a forward destination's URL (`tcp://`, `tls://`, or `http://` read as tcp). */
export function parseForward(config: DestinationConfig): Parsed<ForwardSettings> {
  const problems: string[] = [];
  const url = readUrl(config, problems);
  if (url === undefined) return { ok: false, problems };
  const where = `destinations.${config.name}.url`;
  const shown = redactUrl(config.url ?? "");
  const scheme = url.protocol.slice(0, -1);
  let notice: string | undefined;
  if (scheme === "http") {
    notice =
      `destination ${config.name}: forward url "${shown}" uses http://; sending Fluent Forward over tcp`;
  } else if (scheme === "udp") {
    problems.push(`${where}: udp is not supported for forward in "${shown}": use tcp:// or tls://`);
  } else if (scheme !== "tcp" && scheme !== "tls") {
    problems.push(`${where}: scheme "${scheme}" is not tcp or tls in "${shown}"`);
  }
  const query = url.searchParams;
  const tag = query.get("tag") ?? "tracee";
  if (tag === "") problems.push(`${where}: tag= must not be empty`);
  const ack = query.get("requireAck") ?? "false";
  if (ack !== "true" && ack !== "false") problems.push(`${where}: requireAck="${ack}" is not true or false`);
  const connectionTimeoutMs = duration(config, "connectionTimeout", query.get("connectionTimeout"), "10s")(
    problems,
  );
  for (const key of query.keys()) {
    if (!FORWARD_PARAMS.includes(key)) {
      problems.push(`${where}: unknown forward parameter "${key}" (use ${FORWARD_PARAMS.join(", ")})`);
    }
  }
  const username = url.username === "" ? undefined : decodeURIComponent(url.username);
  const password = url.password === "" ? undefined : decodeURIComponent(url.password);
  const sharedKey = query.get("sharedKey") ?? undefined;
  if (username !== undefined && sharedKey === undefined) {
    problems.push(
      `${where}: user "${username}" needs ?sharedKey=KEY too: the forward handshake authenticates with a shared key`,
    );
  }
  const tlsCA = query.get("tlsCA") ?? undefined;
  if (tlsCA !== undefined && scheme !== "tls") {
    problems.push(`${where}: tlsCA= needs a tls:// URL, got "${shown}"`);
  }
  const port = url.port === "" ? FORWARD_PORT : Number(url.port);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    settings: {
      host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port,
      tls: scheme === "tls",
      tag,
      requireAck: ack === "true",
      connectionTimeoutMs,
      username,
      password,
      sharedKey,
      tlsCA,
      notice,
    },
  };
}

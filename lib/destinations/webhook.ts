/**
 * The `webhook` destination: each event (or, with `?batch=N`, up to N events as lines)
 * POSTed in its format to an HTTP(S) URL, as Tracee does, over kept-alive connections with up
 * to `inFlight` requests at once (http1.ts: every request written once, so every resend is
 * the engine's and counted). Redirects are not followed: a 3xx is a failure naming the
 * Location. Connection errors, timeouts, 3xx, 408, 429 and 5xx are retried by the engine;
 * other 4xx fail the events at once.
 *
 * @module
 */

import type { DestinationConfig } from "../config/types.ts";
import { webhookConfigSettings, type WebhookSettings } from "../config/url_params.ts";
import { createFormatter } from "../format/create.ts";
import { formatBatch } from "../format/format.ts";
import { parseRetryAfter } from "./backoff.ts";
import type { Destination } from "./destination.ts";
import { type Answer, Http1Client, RequestError } from "./http1.ts";
import {
  engineDestination,
  type NetworkOptions,
  type Outcome,
  type Parcel,
  type Transport,
} from "./engine.ts";

/** Parcels held (in flight or waiting to be retried) per request allowed in flight. */
export const HELD_PER_REQUEST = 8;

function outcomeOf(answer: Answer): Outcome<Uint8Array> {
  const status = answer.status;
  if (status >= 200 && status < 300) return { ok: true };
  let reason = `HTTP ${status} ${answer.statusText}`.trim();
  if (status >= 300 && status < 400) {
    const location = answer.headers.get("location");
    reason += location === null ? " (a redirect, not followed)" : ` (redirect to ${location}, not followed)`;
  }
  const retry = status < 400 || status === 408 || status === 429 || status >= 500;
  return { ok: false, retry, reason, retryAfterMs: parseRetryAfter(answer.headers.get("retry-after")) };
}

/** The webhook's transport: parcels of `batch` events, one POST each. */
export function webhookTransport(settings: WebhookSettings): Transport<Uint8Array> {
  const formatter = createFormatter(settings.format);
  const client = new Http1Client(new URL(settings.url));
  const headers: Record<string, string> = { "content-type": settings.contentType };
  if (settings.authorization !== undefined) headers.authorization = settings.authorization;
  const lines = settings.batch > 1;
  const encoder = new TextEncoder();
  return {
    pack(events) {
      const { lines: texts, events: formatted, failed, failures } = formatBatch(formatter, events);
      const parcels: Parcel<Uint8Array>[] = [];
      for (let i = 0; i < texts.length; i += settings.batch) {
        const text = texts.slice(i, i + settings.batch).join("\n");
        parcels.push({
          events: formatted.slice(i, i + settings.batch),
          payload: encoder.encode(lines ? text + "\n" : text),
        });
      }
      return { parcels, failed, failures };
    },
    async send(parcel, signal) {
      try {
        return outcomeOf(
          await client.post(parcel.payload, headers, { timeoutMs: settings.timeoutMs, signal }),
        );
      } catch (error) {
        if (!(error instanceof RequestError)) throw error;
        return { ok: false, retry: true, uncertain: error.sent, reason: error.message };
      }
    },
    close() {
      client.close();
      return Promise.resolve();
    },
  };
}

/** Opens a webhook destination; throws an Error listing the URL's problems. */
export function createWebhookDestination(config: DestinationConfig, options: NetworkOptions): Destination {
  const { settings, problems } = webhookConfigSettings(config);
  if (settings === undefined) throw new Error(problems.join("\n"));
  return engineDestination(webhookTransport(settings), {
    ...options,
    name: config.name,
    inFlight: settings.inFlight,
    // Requests waiting out a backoff do not hold up the others; inFlight=1 keeps strict order.
    held: settings.inFlight === 1 ? 1 : settings.inFlight * HELD_PER_REQUEST,
    graceMs: settings.graceMs,
  });
}

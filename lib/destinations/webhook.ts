/**
 * The `webhook` destination: each event (or, with `?batch=N`, up to N events as lines)
 * POSTed in its format to an HTTP(S) URL, as Tracee does, over kept-alive connections with up
 * to `inFlight` requests at once. Redirects are not followed: a 3xx is a failure naming the
 * Location. Connection errors, timeouts, 3xx, 408, 429 and 5xx are retried by the engine;
 * other 4xx fail the events at once.
 *
 * @module
 */

import type { DestinationConfig } from "../config/types.ts";
import { webhookConfigSettings, type WebhookSettings } from "../config/url_params.ts";
import { createFormatter } from "../format/create.ts";
import { parseRetryAfter } from "./backoff.ts";
import type { Destination } from "./destination.ts";
import {
  engineDestination,
  type NetworkOptions,
  type Outcome,
  type Parcel,
  type Transport,
} from "./engine.ts";

/** Parcels held (in flight or waiting to be retried) per request allowed in flight. */
export const HELD_PER_REQUEST = 8;

/** Errors that mean the request never reached the peer, so a resend cannot duplicate it. */
const NOT_SENT = /connect|refused|dns|resolve|unreachable|no route/i;

function failedRequest(error: unknown, settings: WebhookSettings, timedOut: boolean): Outcome<string> {
  if (timedOut) {
    return { ok: false, retry: true, uncertain: true, reason: `no answer within ${settings.timeoutMs} ms` };
  }
  // fetch says only "error sending request"; the cause names the real trouble (refused, reset, DNS).
  const cause = (error as Error).cause as Error | undefined;
  const reason = cause?.message ?? (error as Error).message ?? String(error);
  return { ok: false, retry: true, uncertain: !NOT_SENT.test(reason), reason };
}

function answer(response: Response): Outcome<string> {
  const status = response.status;
  if (status >= 200 && status < 300) return { ok: true };
  let reason = `HTTP ${status} ${response.statusText}`.trim();
  if (status >= 300 && status < 400) {
    const location = response.headers.get("location");
    reason += location === null ? " (a redirect, not followed)" : ` (redirect to ${location}, not followed)`;
  }
  const retry = status < 400 || status === 408 || status === 429 || status >= 500;
  return { ok: false, retry, reason, retryAfterMs: parseRetryAfter(response.headers.get("retry-after")) };
}

/** The webhook's transport: parcels of `batch` events, one POST each. */
export function webhookTransport(settings: WebhookSettings): Transport<string> {
  const formatter = createFormatter(settings.format);
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: settings.inFlight });
  const headers: Record<string, string> = { "content-type": settings.contentType };
  if (settings.authorization !== undefined) headers.authorization = settings.authorization;
  const lines = settings.batch > 1;
  return {
    pack(events) {
      const parcels: Parcel<string>[] = [];
      for (let i = 0; i < events.length; i += settings.batch) {
        const part = events.slice(i, i + settings.batch);
        const text = part.map((event) => formatter.format(event)).join("\n");
        parcels.push({ events: part, payload: lines ? text + "\n" : text });
      }
      return parcels;
    },
    async send(parcel, signal) {
      const timeout = AbortSignal.timeout(settings.timeoutMs);
      let response: Response;
      try {
        response = await fetch(settings.url, {
          method: "POST",
          body: parcel.payload,
          headers,
          redirect: "manual",
          client,
          signal: AbortSignal.any([timeout, signal]),
        });
      } catch (error) {
        return failedRequest(error, settings, timeout.aborted);
      }
      // Reading the body to its end puts the connection back in the pool. Once the status is in,
      // the peer has decided: a body cut short does not change a 2xx into a failure.
      const read = await response.arrayBuffer().then(() => undefined, (error) => error);
      const outcome = answer(response);
      if (read === undefined || outcome.ok) return outcome;
      return failedRequest(read, settings, timeout.aborted);
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

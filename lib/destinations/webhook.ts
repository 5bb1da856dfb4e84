/**
 * The `webhook` destination: each event (or, with `?batch=N`, up to N events as lines)
 * POSTed in its format to an HTTP(S) URL. Requests go one at a time, in order, over
 * fetch's pooled connections; connection errors, timeouts, 429 and 5xx are retried with
 * backoff (see retry.ts), other 4xx are counted as failed at once.
 *
 * @module
 */

import type { DestinationConfig } from "../config/types.ts";
import type { Event } from "../events/event.ts";
import { log } from "../log.ts";
import { createFormatter } from "../format/create.ts";
import { formatBatch, formatFailureReporter } from "../format/format.ts";
import { type BatchSink, type Destination, newMetrics, sinkDestination } from "./destination.ts";
import {
  type Attempt,
  deliver,
  type NetworkDestinationOptions,
  parseRetryAfter,
  ShutdownClock,
} from "./retry.ts";
import { parseWebhook, redactUrl } from "./url_options.ts";

function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return `no answer within ${timeoutMs} ms`;
  }
  // fetch says only "fetch failed"; the cause names the real trouble (refused, reset, DNS).
  const cause = (error as Error).cause as Error | undefined;
  return redactUrl(cause?.message ?? (error as Error).message ?? String(error));
}

/** Sends one POST and says whether it was delivered, or whether to retry. */
async function post(url: string, body: string, options: { contentType: string; timeoutMs: number }) {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      body,
      headers: { "content-type": options.contentType },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    return { ok: false, retry: true, reason: describeError(error, options.timeoutMs) } satisfies Attempt;
  }
  // Reading the body to its end lets fetch put the connection back in its pool.
  await response.arrayBuffer().catch(() => {});
  const status = response.status;
  if (status >= 200 && status < 300) return { ok: true } satisfies Attempt;
  const retry = status === 429 || status >= 500;
  return {
    ok: false,
    retry,
    reason: `HTTP ${status} ${response.statusText}`.trim(),
    retryAfterMs: retry ? parseRetryAfter(response.headers.get("retry-after")) : undefined,
  } satisfies Attempt;
}

/** Opens a webhook destination; throws an Error listing the URL's problems. */
export function createWebhookDestination(
  config: DestinationConfig,
  options: NetworkDestinationOptions,
): Destination {
  const parsed = parseWebhook(config);
  if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
  const settings = parsed.settings;
  const formatter = createFormatter(settings.format);
  const metrics = newMetrics();
  const clock = new ShutdownClock(options.shutdownGraceMs, options.shutdown);
  const warn = options.warn ?? log.warn;
  let failing = false;

  const reportFormatFailures = formatFailureReporter(config.name, warn);

  const send = async (batch: Event[]): Promise<void> => {
    const { lines, failures } = formatBatch(formatter, batch);
    metrics.failed += failures.length;
    reportFormatFailures(failures);
    if (lines.length === 0) return;
    const count = lines.length;
    const body = lines.join("\n") + (settings.batch > 1 ? "\n" : "");
    const delivered = await deliver(() => post(settings.url, body, settings), {
      mode: options.mode,
      clock,
      onRetry: (reason) => {
        metrics.retried++;
        if (!failing) warn(`destination ${config.name}: ${reason}; retrying`);
        failing = true;
      },
      onGiveUp: (reason) => {
        if (!failing) warn(`destination ${config.name}: ${count} event(s) not delivered: ${reason}`);
        failing = true;
      },
    });
    if (delivered) {
      metrics.delivered += count;
      failing = false;
    } else {
      metrics.failed += count;
    }
  };

  const sink: BatchSink = {
    async write(batch: Event[]) {
      for (let i = 0; i < batch.length; i += settings.batch) {
        await send(batch.slice(i, i + settings.batch));
      }
    },
    close() {
      clock.begin();
    },
    abort() {
      clock.begin();
    },
  };
  return sinkDestination(config.name, sink, metrics);
}

/**
 * The `forward` destination: events to a Fluentd / Fluent Bit collector over the Fluent
 * Forward protocol (npm `@fluent-org/logger`), each as Tracee's record `{"event": TEXT}`
 * under the URL's `tag`. The library reconnects with backoff and, with `requireAck`, waits
 * for the server to acknowledge each chunk; what fails or goes unacknowledged is resent.
 *
 * @module
 */

import { EventTime, FluentClient, type FluentClientOptions, FluentSocketEvent } from "@fluent-org/logger";
import type { DestinationConfig } from "../config/types.ts";
import type { Event } from "../events/event.ts";
import { log } from "../log.ts";
import { createFormatter } from "../format/create.ts";
import { FormatError, formatFailureReporter, type Formatter } from "../format/format.ts";
import { type BatchSink, type Destination, newMetrics, sinkDestination } from "./destination.ts";
import {
  DROP_MODE_ATTEMPTS,
  FIRST_DELAY_MS,
  MAX_DELAY_MS,
  type NetworkDestinationOptions,
  nextDelay,
  ShutdownClock,
} from "./retry.ts";
import { type ForwardSettings, parseForward } from "./url_options.ts";

/** Options of {@link createForwardDestination}. */
export interface ForwardDestinationOptions extends NetworkDestinationOptions {
  /** Prints a one-line notice (an `http://` URL read as `tcp://`). */
  notice: (line: string) => void;
}

type Record = { event: string };

/** Tracee's timestamps carry nanoseconds; the protocol's EventTime keeps them. */
function eventTime(timestamp: string): EventTime {
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) return EventTime.now();
  const fraction = /\.(\d+)/.exec(timestamp)?.[1] ?? "0";
  return new EventTime(Math.floor(ms / 1000), Number(fraction.padEnd(9, "0").slice(0, 9)));
}

function tlsOptions(settings: ForwardSettings): { ca?: string } {
  if (settings.tlsCA === undefined) return {};
  try {
    return { ca: Deno.readTextFileSync(settings.tlsCA) };
  } catch (error) {
    throw new Error(`cannot read tlsCA=${settings.tlsCA}: ${(error as Error).message}`);
  }
}

function clientOptions(settings: ForwardSettings): FluentClientOptions {
  const security = settings.sharedKey === undefined ? undefined : {
    clientHostname: Deno.hostname(),
    sharedKey: settings.sharedKey,
    username: settings.username,
    password: settings.password,
  };
  return {
    eventMode: "PackedForward",
    socket: {
      host: settings.host,
      port: settings.port,
      timeout: settings.connectionTimeoutMs,
      tls: settings.tls ? tlsOptions(settings) : undefined,
      reconnect: { backoff: 2, delay: FIRST_DELAY_MS, minDelay: FIRST_DELAY_MS, maxDelay: MAX_DELAY_MS },
    },
    security,
    ack: settings.requireAck ? { ackTimeout: settings.connectionTimeoutMs } : undefined,
  };
}

/** Settles every promise or gives up on the rest after `wait` (Infinity: until the clock's deadline). */
async function settleWithin(
  promises: Promise<void>[],
  clock: ShutdownClock,
  waitMs: number,
): Promise<("ok" | "failed" | "pending")[]> {
  const states: ("ok" | "failed" | "pending")[] = promises.map(() => "pending");
  const all = Promise.all(promises.map((p, i) => p.then(() => states[i] = "ok", () => states[i] = "failed")));
  const settled = new AbortController();
  await Promise.race([all, clock.sleep(waitMs, settled.signal)]);
  settled.abort();
  return states;
}

/** Shuts a client down for good: its queue is dropped and its socket closed. */
function release(client: FluentClient): Promise<void> {
  return client.shutdown().catch(() => {});
}

/** Opens a forward destination; throws an Error listing the URL's problems. */
export function createForwardDestination(
  config: DestinationConfig,
  options: ForwardDestinationOptions,
): Destination {
  const parsed = parseForward(config);
  if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
  const settings = parsed.settings;
  if (settings.notice !== undefined) options.notice(settings.notice);
  const formatter: Formatter = createFormatter(config.format);
  const metrics = newMetrics();
  const clock = new ShutdownClock(options.shutdownGraceMs, options.shutdown);
  const warn = options.warn ?? log.warn;
  let failing = false;
  let lastError = "";
  const where = `${settings.tls ? "tls" : "tcp"}://${settings.host}:${settings.port}`;
  const open = () => {
    const opened = new FluentClient(settings.tag, clientOptions(settings));
    opened.socketOn(FluentSocketEvent.ERROR, (error: Error) => lastError = `: ${error.message}`);
    return opened;
  };
  let client = open();

  /** Drops what the client still queues, so a give-up is final, and starts a fresh client. */
  const resetClient = async () => {
    const old = client;
    client = open();
    await release(old);
  };

  const reportFormatFailures = formatFailureReporter(config.name, warn);

  const send = async (batch: Event[]): Promise<void> => {
    let pending: [Record, EventTime][] = [];
    for (const e of batch) {
      try {
        pending.push([{ event: formatter.format(e) }, eventTime(e.timestamp)]);
      } catch (error) {
        if (!(error instanceof FormatError)) throw error;
        metrics.failed++;
        reportFormatFailures([error]);
      }
    }
    if (clock.abandoned) {
      metrics.failed += pending.length;
      return;
    }
    let delay = 0;
    for (let tries = 1;; tries++) {
      // Block mode waits for the library's own reconnects until the shutdown grace ends; otherwise one timeout.
      const endless = options.mode === "block" && !clock.expired();
      const waitMs = endless ? Infinity : settings.connectionTimeoutMs;
      const states = await settleWithin(pending.map(([r, t]) => client.emit(r, t)), clock, waitMs);
      const left = pending.filter((_, i) => states[i] !== "ok");
      metrics.delivered += pending.length - left.length;
      if (left.length === 0) {
        failing = false;
        lastError = "";
        return;
      }
      if (states.includes("pending")) await resetClient();
      if (!failing) {
        warn(`destination ${config.name}: ${left.length} event(s) not yet delivered to ${where}${lastError}`);
      }
      failing = true;
      if (clock.expired()) clock.abandon();
      if (tries >= (options.mode === "drop" ? DROP_MODE_ATTEMPTS : Infinity) || clock.expired()) {
        metrics.failed += left.length;
        return;
      }
      delay = nextDelay(delay);
      await clock.sleep(delay);
      if (clock.expired()) {
        clock.abandon();
        metrics.failed += left.length;
        return;
      }
      metrics.retried += left.length;
      pending = left;
    }
  };

  const sink: BatchSink = {
    write: send,
    async close() {
      clock.begin();
      await release(client);
    },
    async abort() {
      clock.begin();
      await release(client);
    },
  };
  return sinkDestination(config.name, sink, metrics);
}

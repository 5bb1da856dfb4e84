/**
 * The `forward` destination: events to a Fluentd / Fluent Bit collector over the Fluent
 * Forward protocol (npm `@fluent-org/logger`), each as Tracee's record `{"event": TEXT}` under
 * the URL's `tag`. One parcel per batch, one in flight (the protocol has one connection, so order
 * is kept). With `requireAck` an event counts only once the collector acknowledged its chunk.
 *
 * The library's own queue is never trusted across a failure: an attempt that does not settle
 * within `connectionTimeout` drops its client (and with it anything the library still queues)
 * and the engine resends from a fresh one, so nothing is sent behind the engine's back.
 *
 * This module is loaded only when a forward destination exists (create.ts imports it lazily).
 *
 * @module
 */

import { EventTime, FluentClient, type FluentClientOptions, FluentSocketEvent } from "@fluent-org/logger";
import type { DestinationConfig } from "../config/types.ts";
import { forwardConfigSettings, type ForwardSettings } from "../config/url_params.ts";
import type { Event } from "../events/event.ts";
import { createFormatter } from "../format/create.ts";
import { formatBatch } from "../format/format.ts";
import { FIRST_DELAY_MS, MAX_DELAY_MS, sleep } from "./backoff.ts";
import type { Destination } from "./destination.ts";
import { engineDestination, type NetworkOptions, type Outcome, type Transport } from "./engine.ts";

/** How long closing a client may take before its socket is destroyed (a peer that stopped reading). */
export const RELEASE_MS = 2_000;

type Entry = [{ event: string }, EventTime];

/** Tracee's timestamps carry nanoseconds; the protocol's EventTime keeps them. */
function eventTime(timestamp: string): EventTime {
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) return EventTime.now();
  const fraction = /\.(\d+)/.exec(timestamp)?.[1] ?? "0";
  return new EventTime(Math.floor(ms / 1000), Number(fraction.padEnd(9, "0").slice(0, 9)));
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
      tls: settings.tls ? { ca: readCA(settings.tlsCA) } : undefined,
      reconnect: { backoff: 2, delay: FIRST_DELAY_MS, minDelay: FIRST_DELAY_MS, maxDelay: MAX_DELAY_MS },
    },
    security,
    ack: settings.requireAck ? { ackTimeout: settings.connectionTimeoutMs } : undefined,
  };
}

function readCA(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    throw new Error(`cannot read tlsCA=${path}: ${(error as Error).message}`);
  }
}

/** The library keeps its socket private; its event listeners are called with the socket as `this`. */
interface SocketHandle {
  close(state: number): void;
}
/** The library's CloseState.FATAL (not exported): destroy the socket and never reconnect. */
const CLOSE_FATAL = 0;

/** One client and what it has seen: the last socket error, whether it ever connected. */
class Connection {
  readonly client: FluentClient;
  lastError = "";
  /** The socket is connected now. */
  live = false;
  /** Connections made so far. */
  connects = 0;
  #socket: SocketHandle | undefined;

  constructor(settings: ForwardSettings) {
    this.client = new FluentClient(settings.tag, clientOptions(settings));
    const connected = (socket: SocketHandle) => {
      this.live = true;
      this.connects++;
      this.#socket = socket;
    };
    this.client.socketOn(FluentSocketEvent.ERROR, (error: Error) => this.lastError = error.message);
    this.client.socketOn(FluentSocketEvent.CLOSE, () => this.live = false);
    this.client.socketOn(FluentSocketEvent.CONNECTED, function (this: SocketHandle) {
      connected(this);
    });
  }

  /** Closes the client, dropping what it queues; a peer that stops reading cannot make this hang. */
  async release(): Promise<void> {
    const done = this.client.shutdown().then(() => true, () => true);
    if (!await Promise.race([done, sleep(RELEASE_MS).then(() => false)])) this.#socket?.close(CLOSE_FATAL);
  }
}

type State = "ok" | "failed" | "pending";

/** The forward transport: one parcel per batch, sent through a client that is replaced after a failure. */
export function forwardTransport(settings: ForwardSettings, format: string): Transport<Entry[]> {
  const formatter = createFormatter(format);
  const where = `${settings.tls ? "tls" : "tcp"}://${settings.host}:${settings.port}`;
  let connection = new Connection(settings);
  const releasing = new Set<Promise<void>>();

  const replace = () => {
    const old = connection;
    connection = new Connection(settings);
    const released = old.release().finally(() => releasing.delete(released));
    releasing.add(released);
  };

  return {
    pack(events) {
      const { lines, events: formatted, failed, failures } = formatBatch(formatter, events);
      const entries = lines.map((event, i): Entry => [{ event }, eventTime(formatted[i].timestamp)]);
      return {
        parcels: entries.length === 0 ? [] : [{ events: formatted, payload: entries }],
        failed,
        failures,
      };
    },
    async send(parcel, signal): Promise<Outcome<Entry[]>> {
      const current = connection;
      const { live, connects } = current;
      const states: State[] = parcel.payload.map(() => "pending");
      let firstError = "";
      const all = Promise.all(
        parcel.payload.map(([record, time], i) =>
          current.client.emit(record, time).then(
            () => states[i] = "ok",
            (error: Error) => {
              states[i] = "failed";
              firstError ||= error.message;
            },
          )
        ),
      );
      const settled = new AbortController();
      const stop = () => settled.abort();
      signal.addEventListener("abort", stop, { once: true });
      await Promise.race([all, sleep(settings.connectionTimeoutMs, settled.signal)]);
      settled.abort();
      signal.removeEventListener("abort", stop);
      if (states.every((state) => state === "ok")) return { ok: true };

      replace();
      const delivered = parcel.events.filter((_, i) => states[i] === "ok");
      const rest = { events: [] as Event[], payload: [] as Entry[] };
      states.forEach((state, i) => {
        if (state === "ok") return;
        rest.events.push(parcel.events[i]);
        rest.payload.push(parcel.payload[i]);
      });
      // Written to a live connection, a chunk may have arrived although it was not acknowledged.
      const reached = live || current.connects > connects;
      const reason = firstError !== ""
        ? firstError
        : reached
        ? `no ${settings.requireAck ? "acknowledgement" : "write"} within ${settings.connectionTimeoutMs} ms`
        : `cannot connect to ${where}${current.lastError === "" ? "" : `: ${current.lastError}`}`;
      return {
        ok: false,
        retry: true,
        uncertain: reached,
        reason,
        partial: { delivered, rest },
      };
    },
    async close() {
      await Promise.all([connection.release(), ...releasing]);
    },
  };
}

/** Opens a forward destination; throws an Error listing the URL's problems. */
export function createForwardDestination(
  config: DestinationConfig,
  options: NetworkOptions & { notice: (line: string) => void },
): Destination {
  const { settings, problems } = forwardConfigSettings(config);
  if (settings === undefined) throw new Error(problems.join("\n"));
  if (settings.notice !== undefined) options.notice(settings.notice);
  return engineDestination(forwardTransport(settings, config.format), {
    ...options,
    name: config.name,
    inFlight: 1,
    held: 1,
    graceMs: settings.graceMs,
  });
}

// Real receivers on loopback for the network destination tests: an HTTP server and a Fluent Forward server.
import { FluentServer } from "@fluent-org/logger";
import type { Destination } from "../lib/destinations/destination.ts";
import type { Event } from "../lib/events/event.ts";

/** Decides the answer to one request; `count` numbers requests from 1. */
export type Handler = (request: Request, body: string, count: number) => Response | Promise<Response>;

/**
 * An HTTP receiver on 127.0.0.1 that records every body it received and every body it accepted
 * (2xx), in order, and the client ports it saw (one port: one reused connection).
 */
export function receiver(handler: Handler = () => new Response("ok"), port = 0) {
  const bodies: string[] = [];
  const received: string[] = [];
  const urls: string[] = [];
  const clientPorts = new Set<number>();
  let count = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, async (request, info) => {
    clientPorts.add(info.remoteAddr.port);
    const body = await request.text();
    received.push(body);
    const response = await handler(request, body, ++count);
    if (response.ok) {
      bodies.push(body);
      urls.push(request.url);
    }
    return response;
  });
  return { server, bodies, received, urls, clientPorts, port: server.addr.port, requests: () => count };
}

/** One record as FluentServer received it. */
export interface Entry {
  tag: string;
  record: { event: string };
}

/** A Fluent Forward collector on 127.0.0.1 (FluentServer) recording every entry. */
export async function collector(port = 0) {
  const entries: Entry[] = [];
  const server = new FluentServer({ listenOptions: { host: "127.0.0.1", port } });
  server.on(
    "entry",
    (tag: string, _time: unknown, record: { event: string }) => entries.push({ tag, record }),
  );
  await server.listen();
  return { server, entries, port: server.port! };
}

/** A loopback port nothing listens on (just released). */
export function freePort(): number {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  return port;
}

/** Sequence numbers (see _events.ts) of JSON lines in request bodies. */
export function bodySeqs(bodies: string[]): number[] {
  return bodies.flatMap((b) => b.trim().split("\n")).map((line) => JSON.parse(line).data[0].int32);
}

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `batches` into `destination` one by one (awaiting `between` after each), then closes it. */
export async function pump(
  destination: Destination,
  batches: Event[][],
  between?: (index: number) => Promise<void>,
): Promise<void> {
  const writer = destination.writable.getWriter();
  for (const [index, batch] of batches.entries()) {
    await writer.write(batch);
    await between?.(index);
  }
  await writer.close();
}

/**
 * The HTTP server of `--server`: `/metrics` and `/healthz` on Deno.serve, nothing else.
 *
 * @module
 */

import { CONTENT_TYPE } from "./exposition.ts";

/** What the server answers; an endpoint left out is a 404. */
export interface Endpoints {
  /** The exposition text, made at each scrape. */
  metrics?: () => string;
  /** The health answer, made at each request. */
  healthz?: () => { status: number; body: string };
}

/** A listening server. */
export interface RunningServer {
  /** `http://HOST:PORT` with the port actually bound. */
  readonly url: string;
  /** Stops listening and ends open connections. */
  close(): Promise<void>;
}

function answer(endpoints: Endpoints, request: Request): Response {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return new Response("method not allowed\n", { status: 405, headers: { allow: "GET, HEAD" } });
  }
  const path = new URL(request.url).pathname;
  if (path === "/metrics" && endpoints.metrics) {
    return new Response(endpoints.metrics(), { headers: { "content-type": CONTENT_TYPE } });
  }
  if (path === "/healthz" && endpoints.healthz) {
    const { status, body } = endpoints.healthz();
    return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  return new Response("not found\n", { status: 404 });
}

/** Listens on `hostname:port` (port 0: any free port); throws with the address when it cannot. */
export function serve(
  address: { hostname: string; port: number },
  endpoints: Endpoints,
): RunningServer {
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve(
      { hostname: address.hostname, port: address.port, onListen: () => {} },
      (request) => answer(endpoints, request),
    );
  } catch (error) {
    throw new Error(
      `--server http-address=${address.hostname}:${address.port}: cannot listen: ${(error as Error).message}`,
    );
  }
  const { hostname, port } = server.addr;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    url: `http://${host}:${port}`,
    close: () => server.shutdown(),
  };
}

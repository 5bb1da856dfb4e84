/**
 * The webhook benchmark's receiver, run in a Worker so that it does not share the sender's
 * thread: Deno.serve on loopback counting the events it accepts (one per line of each body).
 * Its port is the Worker's name (0: any free port). Messages in: "count" (answers with the count so
 * far), "stop". Out: its port, then counts.
 *
 * @module
 */

/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

let events = 0;
const server = Deno.serve(
  { hostname: "127.0.0.1", port: Number(self.name || 0), onListen() {} },
  async (request) => {
    const body = await request.text();
    let lines = 1;
    for (let i = body.indexOf("\n"); i >= 0 && i < body.length - 1; i = body.indexOf("\n", i + 1)) lines++;
    events += lines;
    return new Response(null, { status: 204 });
  },
);

self.postMessage(server.addr.port);
self.onmessage = async (message: MessageEvent<string>) => {
  if (message.data === "count") self.postMessage(events);
  else if (message.data === "stop") {
    await server.shutdown();
    self.close();
  }
};

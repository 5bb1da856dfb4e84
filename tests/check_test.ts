// destinationProblems: every problem of a destination's URL parameters, template and CA file, one line each.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { DestinationConfig } from "../lib/config/types.ts";
import { destinationProblems } from "../lib/destinations/check.ts";

const webhook = (url: string): DestinationConfig => ({ name: "w", type: "webhook", format: "json", url });
const forward = (url: string): DestinationConfig => ({ name: "fl", type: "forward", format: "json", url });

Deno.test("check: the seed page's URLs and valid parameters have no problems", () => {
  assert.deepEqual(destinationProblems(webhook("http://localhost:8080/processes?timeout=5s")), []);
  assert.deepEqual(
    destinationProblems(webhook("https://h/x?batch=100&contentType=text/plain&keep=1&inFlight=64&grace=1m")),
    [],
  );
  assert.deepEqual(destinationProblems(forward("http://localhost:2222?tag=severe")), []);
  assert.deepEqual(
    destinationProblems(forward("tcp://u:p@h?sharedKey=k&requireAck=true&connectionTimeout=1m&grace=30s")),
    [],
  );
  assert.deepEqual(destinationProblems({ name: "s", type: "file", format: "table", path: "stdout" }), []);
});

Deno.test("check: every bad webhook parameter is its own line naming the destination and value", () => {
  assert.deepEqual(destinationProblems(webhook("ftp://h/?timeout=-1s&batch=0&inFlight=1000&grace=x")), [
    'destinations.w.url: a webhook url needs scheme http:, https:; got "ftp:" in "ftp://h/?timeout=-1s&batch=0&inFlight=1000&grace=x"',
    'destinations.w.url: parameter timeout: must be positive, got "-1s"',
    'destinations.w.url: parameter batch: expected a positive integer, got "0"',
    'destinations.w.url: parameter inFlight: must be at most 256, got "1000"',
    'destinations.w.url: parameter grace: expected a Go duration such as 5s, 100ms or 1m30s, got "x"',
  ]);
  assert.deepEqual(destinationProblems(webhook("not a url")), [
    'destinations.w.url: invalid URL "not a url"; expected e.g. http://localhost:8080/events',
  ]);
  assert.deepEqual(destinationProblems({ name: "w", type: "webhook", format: "json" }), [
    "destinations.w.url: required for a webhook destination",
  ]);
});

Deno.test("check: bad forward parameters, one line each", () => {
  assert.deepEqual(destinationProblems(forward("udp://h:1?tag=&requireAck=1&connectionTimeout=soon&x=1")), [
    'destinations.fl.url: udp is not supported for forward in "udp://h:1?tag=&requireAck=1&connectionTimeout=soon&x=1": use tcp:// or tls://',
    'destinations.fl.url: parameter tag: must not be empty, got ""',
    'destinations.fl.url: parameter requireAck: expected "true" or "false", got "1"',
    'destinations.fl.url: parameter connectionTimeout: expected a Go duration such as 5s, 100ms or 1m30s, got "soon"',
    "destinations.fl.url: parameter x: unknown for forward (known: tag, requireAck, connectionTimeout, sharedKey, tlsCA, grace)",
  ]);
  assert.deepEqual(destinationProblems(forward("ftp://bob:hunter2@h:1?tlsCA=/x")), [
    'destinations.fl.url: a forward url needs scheme tcp:, tls: (or http:, https:, read as tcp:, tls:); got "ftp:" in "ftp://bob:hunter2@h:1/?tlsCA=/x"',
    'destinations.fl.url: user "bob" needs ?sharedKey=KEY too: the forward handshake authenticates with a shared key',
    'destinations.fl.url: parameter tlsCA: needs a tls:// URL, got "ftp://bob:hunter2@h:1/?tlsCA=/x"',
  ]);
});

Deno.test("check: templates that do not parse and CA files that cannot be read", async () => {
  const dir = await Deno.makeTempDir();
  const bad = join(dir, "bad.tmpl");
  await Deno.writeTextFile(bad, "ok\n{{ if .name }}\n");
  const why = `gotemplate=${bad}: line 2: unexpected EOF: missing {{end}}`;
  assert.deepEqual(
    destinationProblems({ name: "f", type: "file", format: `gotemplate=${bad}`, path: "stdout" }),
    [`destinations.f.format: ${why}`],
  );
  assert.deepEqual(destinationProblems(webhook(`http://h/?gotemplate=${bad}`)), [
    `destinations.w.url: ${why}`,
  ]);
  assert.deepEqual(destinationProblems(webhook(`http://h/?gotemplate=${bad}&timeout=x`)), [
    'destinations.w.url: parameter timeout: expected a Go duration such as 5s, 100ms or 1m30s, got "x"',
  ]);
  const noCa = join(dir, "no-ca.pem");
  const [problem, ...rest] = destinationProblems(forward(`tls://h:1?tlsCA=${noCa}`));
  assert.ok(problem.startsWith(`destinations.fl.url: parameter tlsCA: ${noCa}: `), problem);
  assert.deepEqual(rest, []);
  await Deno.remove(dir, { recursive: true });
});

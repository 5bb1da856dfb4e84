// The one reader of destination URLs: typed settings, Tracee's defaults, sluice's own parameters.
import assert from "node:assert/strict";
import {
  DEFAULT_GRACE_MS,
  DEFAULT_IN_FLIGHT,
  forwardSettings,
  inferType,
  urlProblems,
  webhookSettings,
} from "../lib/config/url_params.ts";

const label = "destinations.d";

Deno.test("webhook settings: defaults, sluice's parameters removed, others kept, credentials become a header", () => {
  assert.deepEqual(webhookSettings(new URL("http://h:8080/p?x=1"), { label }).settings, {
    url: "http://h:8080/p?x=1",
    authorization: undefined,
    timeoutMs: 10_000,
    contentType: "application/json",
    format: "json",
    batch: 1,
    inFlight: DEFAULT_IN_FLIGHT,
    graceMs: DEFAULT_GRACE_MS,
  });
  const url =
    "https://al%40ice:p%3Ass@h/p?timeout=5s&batch=50&inFlight=2&grace=1m&token=t&gotemplate=/t.tmpl";
  assert.deepEqual(webhookSettings(new URL(url), { label, format: "table" }).settings, {
    url: "https://h/p?token=t",
    authorization: `Basic ${btoa("al@ice:p:ss")}`,
    timeoutMs: 5000,
    contentType: "application/json",
    format: "gotemplate=/t.tmpl",
    batch: 50,
    inFlight: 2,
    graceMs: 60_000,
  });
  assert.equal(
    webhookSettings(new URL("http://h/?batch=2"), { label }).settings?.contentType,
    "application/x-ndjson",
  );
});

Deno.test("forward settings: tcp, tls and http read as tcp with a notice; udp refused alike by config and destination", () => {
  const tcp = forwardSettings(new URL("tcp://h?tag=t&requireAck=true&grace=2s"), { label }).settings!;
  assert.deepEqual([tcp.host, tcp.port, tcp.tls, tcp.tag, tcp.requireAck, tcp.graceMs], [
    "h",
    24224,
    false,
    "t",
    true,
    2000,
  ]);
  assert.equal(tcp.notice, undefined);
  const tls = forwardSettings(new URL("tls://[::1]:9?tlsCA=/ca.pem"), { label }).settings!;
  assert.deepEqual([tls.host, tls.port, tls.tls, tls.tlsCA], ["::1", 9, true, "/ca.pem"]);
  assert.match(
    forwardSettings(new URL("http://h:2222"), { label }).settings!.notice!,
    /uses http:\/\/; sending .* over tcp/,
  );

  const udp = new URL("udp://h:1");
  assert.deepEqual(inferType(udp), { type: "forward", reason: `its url scheme is "udp:"` });
  const problems = forwardSettings(udp, { label }).problems;
  assert.deepEqual(problems, [
    'destinations.d.url: udp is not supported for forward in "udp://h:1": use tcp:// or tls://',
  ]);
  assert.deepEqual(urlProblems(label, "forward", udp), problems);
});

Deno.test("url problems: config validation reports exactly what the destination would refuse", () => {
  for (
    const url of [
      "http://h/?timeout=0s",
      "http://h/?batch=10001",
      "http://h/?inFlight=x",
      "http://h/?contentType=",
      "tcp://h?unknown=1",
      "tcp://u:p@h",
    ]
  ) {
    const parsed = new URL(url);
    const type = parsed.protocol === "http:" ? "webhook" : "forward";
    const read = type === "webhook" ? webhookSettings(parsed, { label }) : forwardSettings(parsed, { label });
    assert.equal(read.settings, undefined, url);
    assert.ok(read.problems.length === 1, `${url}: ${read.problems}`);
    assert.deepEqual(urlProblems(label, type, parsed), read.problems);
  }
});

import assert from "node:assert/strict";
import { parseHttpAddress, parseServerFlags } from "../lib/server/flags.ts";

Deno.test("--server: Tracee's forms", () => {
  assert.deepEqual(parseServerFlags([]), { settings: undefined, problems: [] });
  assert.deepEqual(parseServerFlags(["metrics"]).settings, {
    hostname: "127.0.0.1",
    port: 3366,
    metrics: true,
    healthz: false,
  });
  assert.deepEqual(parseServerFlags(["http-address=:8080", "healthz", "metrics"]).settings, {
    hostname: "0.0.0.0",
    port: 8080,
    metrics: true,
    healthz: true,
  });
  assert.deepEqual(parseHttpAddress("[::1]:3366"), { hostname: "::1", port: 3366 });
  assert.deepEqual(parseHttpAddress("localhost:0"), { hostname: "localhost", port: 0 });
});

Deno.test("--server: bad forms are refused with the value", () => {
  const problems = (values: string[]) => parseServerFlags(values).problems;
  assert.deepEqual(problems(["http-address=127.0.0.1", "metrics"]), [
    "--server http-address=127.0.0.1: expected HOST:PORT, e.g. 127.0.0.1:3366",
  ]);
  assert.match(
    problems(["http-address=:70000", "metrics"])[0],
    /port must be a number from 0 to 65535, got "70000"/,
  );
  assert.match(problems(["http-address=::1:80", "metrics"])[0], /expected HOST:PORT/);
  assert.match(problems(["metric"])[0], /expected http-address=HOST:PORT, metrics or healthz, got "metric"/);
  assert.match(problems(["pprof"])[0], /Tracee's pprof is not supported by sluice/);
  assert.match(problems(["grpc-address=tcp:4466"])[0], /Tracee's grpc-address is not supported/);
  assert.match(
    problems(["http-address=:3366"])[0],
    /nothing to serve: add --server metrics or --server healthz/,
  );
});

// A whole run (lib/cli/run.ts) as a user starts it: signals and the grace rule, exit statuses, the
// seed page's example end to end, and secrets kept out of everything sluice prints.
import assert from "node:assert/strict";
import { join } from "node:path";
import { FluentServer } from "@fluent-org/logger";
import type { Event } from "../lib/events/event.ts";
import { makeEvent } from "./_events.ts";
import { bodySeqs, collector, freePort, range, receiver, sleep } from "./_receivers.ts";
import { destinationLine, recording, sluice, start, START_FLAGS, streamLine } from "./_sluice.ts";

/** Replays `input` into a webhook at `url` through stream `h` (a small queue, so a drain is short). */
function webhookArgs(input: string, url: string): string[] {
  return [
    "--input",
    input,
    "-o",
    "destinations.hook.type=webhook",
    "-o",
    `destinations.hook.url=${url}`,
    "-o",
    "streams.h.destinations=hook",
    "-o",
    "streams.h.buffer.size=50",
  ];
}

Deno.test("run: after a signal, a destination that keeps delivering drains in full, past its grace", async () => {
  const r = receiver(async () => {
    await sleep(4);
    return new Response("ok");
  });
  const running = start(
    webhookArgs(await recording(3000), `http://127.0.0.1:${r.port}/?inFlight=1&grace=300ms`),
  );
  while (r.bodies.length < 10) await sleep(10);
  running.child.kill("SIGTERM");
  const signalled = performance.now();
  const run = await running.done;
  await r.server.shutdown();
  assert.equal(run.code, 0, run.stderr);
  const s = streamLine(run, "h");
  assert.ok(s.matched > 0 && s.matched < 3000, `the source stopped at the signal (matched ${s.matched})`);
  assert.deepEqual([s.delivered, s.failed, s.pending], [s.matched, 0, 0]);
  assert.equal(r.bodies.length, s.matched);
  const drained = performance.now() - signalled;
  assert.ok(drained > 600, `the drain (${drained} ms) outlasted the 300 ms grace because it made progress`);
});

Deno.test("run: a second signal stops at once, counts what is left as failed and exits 3", async () => {
  const running = start(webhookArgs(await recording(3000), `http://127.0.0.1:${freePort()}/`));
  await sleep(1000);
  running.child.kill("SIGTERM");
  await sleep(1200);
  running.child.kill("SIGINT");
  const second = performance.now();
  const run = await running.done;
  assert.ok(performance.now() - second < 3000, "no 10 s grace after the second signal");
  assert.equal(run.code, 3, run.stderr);
  const s = streamLine(run, "h");
  const d = destinationLine(run, "hook");
  assert.ok(s.matched > 0);
  assert.deepEqual([s.delivered, s.failed, s.pending, d.failed, d.inFlight], [0, s.matched, 0, s.matched, 0]);
  assert.match(run.stderr, /second signal: stopping at once; what is not yet delivered is counted as failed/);
  assert.match(
    run.lines.at(-1)!,
    new RegExp(`${s.matched} event\\(s\\) accepted .* \\(destination hook ${s.matched}\\)`),
  );
});

Deno.test("run: a repeat of the signal within a second is the same Ctrl-C (deno task forwards it): it still drains", async () => {
  const r = receiver(async () => {
    await sleep(5);
    return new Response("ok");
  });
  const running = start(webhookArgs(await recording(3000), `http://127.0.0.1:${r.port}/?inFlight=1`));
  while (r.bodies.length < 10) await sleep(10);
  running.child.kill("SIGINT");
  await sleep(100);
  running.child.kill("SIGINT");
  const run = await running.done;
  await r.server.shutdown();
  assert.equal(run.code, 0, run.stderr);
  const s = streamLine(run, "h");
  assert.deepEqual([s.delivered, s.failed], [s.matched, 0]);
  assert.doesNotMatch(run.stderr, /second signal/);
});

Deno.test("run: a replay without forward needs no --allow-env (the forward library is not loaded)", async () => {
  const input = await recording(5);
  const out = join(await Deno.makeTempDir(), "out.json");
  const flags = START_FLAGS.filter((flag) => flag !== "--allow-env");
  const main = new URL("../main.ts", import.meta.url).pathname;
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, main, "--input", input, "-o", `json:${out}`],
    stderr: "piped",
  }).output();
  assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
  assert.equal((await Deno.readTextFile(out)).trim().split("\n").length, 5);
});

Deno.test("run: the seed page's three-destination example runs end to end against real receivers", async () => {
  const dir = await Deno.makeTempDir();
  const hook = receiver();
  const fluent = await collector();
  const seed = await Deno.readTextFile(
    new URL("../fixtures/config/seed_three_destinations.yaml", import.meta.url),
  );
  const config = join(dir, "seed.yaml");
  await Deno.writeTextFile(
    config,
    seed.replace("localhost:8080", `127.0.0.1:${hook.port}`).replace(
      "localhost:2222",
      `127.0.0.1:${fluent.port}`,
    ),
  );
  // 30 events: exec/fork/openat in turn; even-numbered execs run from /tmp (severe-events-policy).
  const events = range(30).map((i) => {
    const event = makeEvent(i, ["sched_process_exec", "sched_process_fork", "openat"][i % 3], []);
    delete event.policies;
    if (i % 6 === 0) event.data![1] = { name: "pathname", str: `/tmp/evil${i}` };
    return event;
  });
  const input = join(dir, "events.jsonl");
  await Deno.writeTextFile(input, events.map((e) => JSON.stringify(e)).join("\n") + "\n");
  const policy = new URL("../fixtures/policies/severe_events.yaml", import.meta.url).pathname;
  const run = await sluice(["--config", config, "--input", input, "--policy", policy]);
  await hook.server.shutdown();
  await fluent.server.close();
  assert.equal(run.code, 0, run.stderr);
  const severe = [0, 6, 12, 18, 24];
  const stdout = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as Event);
  assert.deepEqual(stdout.map((e) => e.data![0].int32), severe);
  assert.deepEqual(bodySeqs(hook.bodies).sort((a, b) => a - b), severe);
  assert.equal(new URL(hook.urls[0]).pathname + new URL(hook.urls[0]).search, "/processes");
  assert.deepEqual(fluent.entries.map((e) => e.tag), severe.map(() => "severe"));
  assert.deepEqual(fluent.entries.map((e) => JSON.parse(e.record.event)), stdout);
  assert.match(run.stderr, /forward url .* uses http:\/\/; sending Fluent Forward over tcp/);
  assert.deepEqual(destinationLine(run, "webhook_destination"), {
    delivered: 5,
    failed: 0,
    retried: 0,
    duplicatesPossible: 0,
    inFlight: 0,
  });
  assert.equal(destinationLine(run, "fluent_destination").delivered, 5);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("run: secrets in webhook and forward URLs never reach stdout or stderr (validate, problems, warnings, summary)", async () => {
  const secrets = ["hunter2pass", "tok3nvalue", "fwpass9", "sh4redkey", "ap1keyvalue"];
  const failing = receiver(() => new Response("no", { status: 401 }));
  const server = new FluentServer({ listenOptions: { host: "127.0.0.1", port: 0 } });
  await server.listen();
  const webhookUrl =
    `http://alice:hunter2pass@127.0.0.1:${failing.port}/in?token=tok3nvalue&api_key=ap1keyvalue`;
  const forwardUrl =
    `tcp://bob:fwpass9@127.0.0.1:${server.port}?sharedKey=sh4redkey&connectionTimeout=300ms&grace=500ms`;
  const outputs = ["-o", `webhook:${webhookUrl}`, "-o", `forward:${forwardUrl}`];
  const input = await recording(20);
  const runs = [
    await sluice(["validate", ...outputs]),
    await sluice([
      "validate",
      "-o",
      `webhook:${webhookUrl}&timeout=soon`,
      "-o",
      `forward:${forwardUrl}&tag=`,
    ]),
    await sluice(["--input", input, ...outputs]),
  ];
  await failing.server.shutdown();
  await server.close();
  assert.equal(runs[0].code, 0, runs[0].stderr);
  assert.match(runs[0].stdout, /url http:\/\/alice:\*\*\*@127\.0\.0\.1:\d+\/in\?token=\*\*\*&api_key=\*\*\*/);
  assert.equal(runs[1].code, 2, runs[1].stderr);
  assert.match(runs[1].stderr, /parameter timeout/);
  assert.equal(runs[2].code, 3, runs[2].stderr);
  assert.match(runs[2].stderr, /failing: HTTP 401 Unauthorized/);
  assert.match(runs[2].stderr, /accepted by block-mode streams were not delivered/);
  for (const run of runs) {
    for (const secret of secrets) {
      assert.ok(
        !run.stdout.includes(secret) && !run.stderr.includes(secret),
        `${secret} printed:\n${run.stdout}${run.stderr}`,
      );
    }
  }
});

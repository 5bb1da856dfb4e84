/**
 * Least privilege, read from outside: the capability sets and user ids of a running sluice in
 * /proc/PID/status and of each of its threads in /proc/PID/task/TID/status.
 */

import assert from "node:assert/strict";
import { bpfTest, REQUIRED } from "./_bpf.ts";
import { makeBatch } from "./_events.ts";
import { startSluice } from "./_sluice.ts";
import { capabilityNames, capabilitySet, statusCapabilities } from "../lib/privileges/capabilities.ts";
import { type Event } from "../lib/events/event.ts";

const ROOT = Deno.uid() === 0;

/** A test that needs root but not the kernel: skipped with a reason when not root, failing under CI. */
function rootTest(name: string, fn: () => Promise<void>): void {
  if (ROOT) Deno.test({ name, fn, sanitizeResources: false, sanitizeOps: false });
  else if (REQUIRED) {
    Deno.test(name, () => assert.fail("SLUICE_REQUIRE_BPF=1 but the tests do not run as root"));
  } else {
    console.log(`skipping "${name}": not root`);
    Deno.test({ name, ignore: true, fn });
  }
}

interface Credentials {
  uids: number[];
  caps: ReturnType<typeof statusCapabilities>;
  noNewPrivs: boolean;
}

function credentials(status: string): Credentials {
  return {
    uids: /^Uid:\s+(.*)$/m.exec(status)![1].split(/\s+/).map(Number),
    caps: statusCapabilities(status),
    noNewPrivs: /^NoNewPrivs:\s+1$/m.test(status),
  };
}

/** Status texts of `/proc/...` paths (a glob is fine), read with cat: Deno's own file APIs want --allow-all there. */
async function statuses(glob: string): Promise<string[]> {
  const output = await new Deno.Command("sh", {
    args: ["-c", `for f in ${glob}; do cat "$f"; echo '%%'; done`],
  })
    .output();
  assert.ok(output.success, `reading ${glob} failed`);
  return new TextDecoder().decode(output.stdout).split("%%\n").filter((s) => s.trim() !== "");
}

/** The process's credentials and each thread's. */
async function processCredentials(pid: number): Promise<{ process: Credentials; threads: Credentials[] }> {
  const [process] = await statuses(`/proc/${pid}/status`);
  const threads = await statuses(`/proc/${pid}/task/*/status`);
  return { process: credentials(process), threads: threads.map(credentials) };
}

function assertOnlyKept(found: { process: Credentials; threads: Credentials[] }, kept: bigint): void {
  const { process, threads } = found;
  assert.deepEqual(process.uids, [65534, 65534, 65534, 65534]);
  assert.equal(capabilityNames(process.caps.effective), capabilityNames(kept), "CapEff");
  assert.equal(capabilityNames(process.caps.permitted), capabilityNames(kept), "CapPrm");
  assert.equal(capabilityNames(process.caps.bounding), capabilityNames(kept), "CapBnd");
  assert.equal(process.caps.inheritable | process.caps.ambient, 0n, "CapInh and CapAmb");
  assert.ok(process.noNewPrivs, "NoNewPrivs");
  assert.ok(threads.length > 3, `Deno runs several threads (${threads.length})`);
  for (const thread of threads) {
    assert.deepEqual(thread.uids, [65534, 65534, 65534, 65534]);
    assert.equal(
      thread.caps.permitted & ~kept,
      0n,
      `a thread kept ${capabilityNames(thread.caps.permitted)}`,
    );
  }
}

rootTest("privileges: a replay keeps no capability on any thread and runs as uid 65534", async () => {
  const run = startSluice(["--input", "-", "-o", "json:/dev/null", "--log", "debug"], { stdin: true });
  await run.write(JSON.stringify(makeBatch(0, 1)[0]) + "\n");
  assert.equal(await run.line(/capabilities:/), "sluice: capabilities: running as uid 65534 with none");
  assertOnlyKept(await processCredentials(run.pid), 0n);
  await run.endInput();
  const { code, lines } = await run.done();
  assert.equal(code, 0, lines.join("\n"));
  assert.ok(lines.includes("sluice: stream default-stream: matched 1, delivered 1, dropped 0, failed 0"));
});

rootTest("privileges: --capabilities bypass=true keeps root and every capability", async () => {
  const run = startSluice(["--input", "-", "-o", "none", "--log", "debug", "--capabilities", "bypass=true"], {
    stdin: true,
  });
  await run.line(/capabilities: every capability kept/);
  const [ourStatus] = await statuses(`/proc/${Deno.pid}/status`);
  const ours = credentials(ourStatus);
  const { process } = await processCredentials(run.pid);
  assert.deepEqual(process.uids, [0, 0, 0, 0]);
  assert.equal(process.caps.permitted, ours.caps.permitted);
  await run.endInput();
  assert.equal((await run.done()).code, 0);
});

/** Traces openat of a uid-1000 shell started before sluice; returns that openat and the kept set. */
async function traceOtherUser(extra: string[]): Promise<{ event: Event | undefined; kept: bigint }> {
  const dir = await Deno.makeTempDir();
  await Deno.chmod(dir, 0o777);
  const target = `${dir}/written`;
  const shell = new Deno.Command("setpriv", {
    args: [
      "--reuid",
      "1000",
      "--regid",
      "1000",
      "--clear-groups",
      "sh",
      "-c",
      `read go; echo x > ${target}; sleep 1`,
    ],
    stdin: "piped",
  }).spawn();
  // Not in the world-writable folder: sluice refuses to write where other users could plant a link.
  const output = `${await Deno.makeTempDir()}/events.json`;
  const run = startSluice([
    "-e",
    "openat",
    "-s",
    "uid=1000",
    "-o",
    `json:${output}`,
    "--log",
    "debug",
    ...extra,
  ]);
  let kept: bigint;
  try {
    await run.line(/capabilities: running as uid/);
    const found = await processCredentials(run.pid);
    kept = found.process.caps.permitted;
    assertOnlyKept(found, kept);
    const writer = shell.stdin.getWriter();
    await writer.write(new TextEncoder().encode("go\n"));
    await writer.close();
    await shell.status;
  } finally {
    run.kill("SIGINT");
  }
  const { code, lines } = await run.done();
  assert.equal(code, 0, lines.slice(-5).join("\n"));
  const events = (await Deno.readTextFile(output)).trim().split("\n").filter((l) => l !== "").map((l) =>
    JSON.parse(l)
  );
  const event = events.find((e: Event) =>
    (e.data ?? []).some((d) => d.name === "pathname" && d.str === target)
  );
  return { event, kept };
}

bpfTest(
  "privileges: tracing the kernel keeps cap_sys_ptrace only, which resolves other users' executables",
  async () => {
    const { event, kept } = await traceOtherUser([]);
    const expected = capabilitySet("sys_ptrace");
    assert.ok(
      kept === expected || kept === (expected | capabilitySet("bpf")),
      `kept ${capabilityNames(kept)}; cap_bpf only where this kernel gates bpf()`,
    );
    assert.ok(event, "the uid-1000 shell's openat was traced");
    assert.equal(event.workload?.process?.executable?.path, await Deno.realPath("/bin/sh"));
  },
);

bpfTest(
  "privileges: without cap_sys_ptrace other users' executables still come from the kernel",
  async () => {
    const { event, kept } = await traceOtherUser(["--capabilities", "drop=cap_sys_ptrace"]);
    assert.equal(kept & capabilitySet("sys_ptrace"), 0n);
    assert.ok(event, "the uid-1000 shell's openat was traced");
    assert.equal(event.workload?.process?.executable?.path, await Deno.realPath("/bin/sh"));
  },
);

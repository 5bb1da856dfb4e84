/**
 * Least privilege, read from outside: the capability sets and user ids of a running sluice in
 * /proc/PID/status and of each of its threads in /proc/PID/task/TID/status.
 */

import assert from "node:assert/strict";
import { bpfTest } from "./_bpf.ts";
import { makeBatch } from "./_events.ts";
import { rootTest } from "./_root.ts";
import { startSluice } from "./_sluice.ts";
import { exists, until } from "./_wait.ts";
import { capabilityNames, capabilitySet, statusCapabilities } from "../lib/privileges/capabilities.ts";
import { type Event } from "../lib/events/event.ts";

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

/** What the main thread keeps: in effect, and permitted (in effect plus what it holds in reserve). */
interface Kept {
  effective: bigint;
  permitted: bigint;
}

function assertOnlyKept(found: { process: Credentials; threads: Credentials[] }, kept: Kept): void {
  const { process, threads } = found;
  assert.deepEqual(process.uids, [65534, 65534, 65534, 65534]);
  assert.equal(capabilityNames(process.caps.effective), capabilityNames(kept.effective), "CapEff");
  assert.equal(capabilityNames(process.caps.permitted), capabilityNames(kept.permitted), "CapPrm");
  assert.equal(capabilityNames(process.caps.bounding), capabilityNames(kept.permitted), "CapBnd");
  assert.equal(process.caps.inheritable | process.caps.ambient, 0n, "CapInh and CapAmb");
  assert.ok(process.noNewPrivs, "NoNewPrivs");
  assert.ok(threads.length > 3, `Deno runs several threads (${threads.length})`);
  for (const thread of threads) {
    assert.deepEqual(thread.uids, [65534, 65534, 65534, 65534]);
    assert.equal(
      thread.caps.permitted & ~kept.permitted,
      0n,
      `a thread kept ${capabilityNames(thread.caps.permitted)}`,
    );
    assert.equal(
      thread.caps.effective & ~kept.effective,
      0n,
      `a thread has ${capabilityNames(thread.caps.effective)} in effect`,
    );
  }
}

const NONE: Kept = { effective: 0n, permitted: 0n };
/** What reopening a file needs, held in reserve. */
const FILE_RESERVE = capabilitySet("chown", "dac_override");

rootTest(
  "privileges: a replay to /dev/null keeps no capability on any thread and runs as uid 65534",
  async () => {
    const run = startSluice(["--input", "-", "-o", "json:/dev/null", "--log", "debug"], { stdin: true });
    await run.write(JSON.stringify(makeBatch(0, 1)[0]) + "\n");
    assert.equal(await run.line(/capabilities:/), "sluice: capabilities: running as uid 65534 with none");
    assertOnlyKept(await processCredentials(run.pid), NONE);
    await run.endInput();
    const { code, lines } = await run.done();
    assert.equal(code, 0, lines.join("\n"));
    assert.ok(lines.includes("sluice: stream default-stream: matched 1, delivered 1, dropped 0, failed 0"));
  },
);

rootTest(
  "privileges: a replay to a file holds cap_chown,cap_dac_override in reserve, in effect only while SIGHUP reopens",
  async () => {
    // makeTempDir's folder is root's, mode 0700: user 65534 can neither enter nor write it.
    const dir = await Deno.makeTempDir();
    const path = `${dir}/events.json`;
    const run = startSluice(["--input", "-", "-o", `json:${path}`, "--log", "debug"], { stdin: true });
    await run.write(JSON.stringify(makeBatch(0, 1)[0]) + "\n");
    assert.match(
      await run.line(/capabilities:/),
      /^sluice: capabilities: running as uid 65534 with none; raised only to reopen a file: cap_chown,cap_dac_override \(cap_dac_override: creating the new file .*; cap_chown: giving the new file to the rotated file's owner and group\)$/,
    );
    const kept = { effective: 0n, permitted: FILE_RESERVE };
    assertOnlyKept(await processCredentials(run.pid), kept);
    await Deno.rename(path, `${path}.1`);
    run.kill("SIGHUP");
    await until(() => exists(path), "the new file");
    await run.write(JSON.stringify(makeBatch(1, 1)[0]) + "\n");
    assertOnlyKept(await processCredentials(run.pid), kept);
    await run.endInput();
    const { code, lines } = await run.done();
    assert.equal(code, 0, lines.join("\n"));
    assert.equal((await Deno.readTextFile(path)).trimEnd().split("\n").length, 1);
    assert.equal((await Deno.stat(path)).uid, 0);
    await Deno.remove(dir, { recursive: true });
  },
);

rootTest(
  "privileges: --capabilities drop= gives up the reserve too; a reopen then keeps the old file",
  async () => {
    const dir = await Deno.makeTempDir();
    const path = `${dir}/events.json`;
    const run = startSluice(
      [
        "--input",
        "-",
        "-o",
        `json:${path}`,
        "--log",
        "debug",
        "--capabilities",
        "drop=cap_dac_override,cap_chown",
      ],
      { stdin: true },
    );
    await run.write(JSON.stringify(makeBatch(0, 1)[0]) + "\n");
    assert.equal(await run.line(/capabilities:/), "sluice: capabilities: running as uid 65534 with none");
    assertOnlyKept(await processCredentials(run.pid), NONE);
    await Deno.rename(path, `${path}.1`);
    run.kill("SIGHUP");
    assert.match(
      await run.line(/cannot reopen/),
      /cannot reopen .*events\.json: .*; still writing to the file opened before$/,
    );
    await run.write(JSON.stringify(makeBatch(1, 1)[0]) + "\n");
    await run.endInput();
    assert.equal((await run.done()).code, 0);
    assert.equal((await Deno.readTextFile(`${path}.1`)).trimEnd().split("\n").length, 2);
    await Deno.remove(dir, { recursive: true });
  },
);

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
async function traceOtherUser(extra: string[]): Promise<{ event: Event | undefined; kept: Kept }> {
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
  let kept: Kept;
  try {
    await run.line(/capabilities: running as uid/);
    const found = await processCredentials(run.pid);
    kept = { effective: found.process.caps.effective, permitted: found.process.caps.permitted };
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
  "privileges: tracing the kernel to a file keeps nothing in effect but cap_bpf where bpf() is gated, and the file reserve; other users' executables still resolve",
  async () => {
    const { event, kept } = await traceOtherUser([]);
    assert.ok(
      kept.effective === 0n || kept.effective === capabilitySet("bpf"),
      `kept ${capabilityNames(kept.effective)} in effect; cap_bpf only where this kernel gates bpf()`,
    );
    assert.equal(capabilityNames(kept.permitted), capabilityNames(kept.effective | FILE_RESERVE));
    assert.ok(event, "the uid-1000 shell's openat was traced");
    assert.equal(event.workload?.process?.executable?.path, await Deno.realPath("/bin/sh"));
  },
);

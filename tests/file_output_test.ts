/**
 * A file destination's reopen (SIGHUP after logrotate's rename) in a running sluice that has
 * left root for user 65534, tried the way an attacker running as that user would.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { createFileDestination } from "../lib/destinations/file.ts";
import { jsonFormatter } from "../lib/format/json.ts";
import { makeBatch, seqOf } from "./_events.ts";
import { asNobody, NOBODY, rootTest } from "./_root.ts";
import { type LiveRun, startSluice } from "./_sluice.ts";
import { exists, until } from "./_wait.ts";

const ADM = 4;

/** A replay from stdin into one json file destination `audit` at `path`, created with `permissions`. */
function replayTo(path: string, permissions = "0600"): LiveRun {
  const audit = (field: string) => ["-o", `destinations.audit.${field}`];
  return startSluice([
    "--input",
    "-",
    ...audit("type=file"),
    ...audit("format=json"),
    ...audit(`path=${path}`),
    ...audit(`permissions=${permissions}`),
    "-o",
    "streams.s.destinations=audit",
    "--log",
    "debug",
  ], { stdin: true });
}

async function send(run: LiveRun, from: number, count: number): Promise<void> {
  await run.write(makeBatch(from, count).map((event) => JSON.stringify(event) + "\n").join(""));
}

const seqs = async (path: string) =>
  (await Deno.readTextFile(path)).split("\n").filter((line) => line !== "").map((line) =>
    seqOf(JSON.parse(line))
  );

/** Starts a replay into `path`, lets it drop its privileges and write event 0, then renames the file away. */
async function startedAndRotated(path: string, permissions?: string): Promise<LiveRun> {
  const run = replayTo(path, permissions);
  await send(run, 0, 1);
  await run.line(/capabilities: running as uid 65534/);
  await until(async () => (await Deno.readTextFile(path)).endsWith("\n"), "event 0 in the file");
  await Deno.rename(path, `${path}.1`);
  return run;
}

async function finish(run: LiveRun): Promise<string[]> {
  await run.endInput();
  const { code, lines } = await run.done();
  assert.equal(code, 0, lines.join("\n"));
  return lines;
}

/** Whether `path` can be locked now, that is, no sluice holds its lock. */
async function lockable(path: string): Promise<boolean> {
  return (await new Deno.Command("flock", { args: ["--nonblock", path, "true"] }).output()).success;
}

/** A folder of root's, mode 0755: user 65534 may enter and read it, not write in it. */
async function rootFolder(): Promise<string> {
  const dir = await Deno.makeTempDir();
  await Deno.chmod(dir, 0o755);
  return dir;
}

rootTest(
  "reopen as uid 65534: the new file belongs to the rotated file's owner and group, with the configured mode",
  async () => {
    const dir = await rootFolder();
    const path = join(dir, "events.json");
    await Deno.writeTextFile(path, "");
    await Deno.chown(path, 0, ADM);
    const run = await startedAndRotated(path, "0640");
    run.kill("SIGHUP");
    await until(() => exists(path), "the new file");
    await send(run, 1, 2);
    await finish(run);
    const info = await Deno.stat(path);
    assert.deepEqual([info.uid, info.gid], [0, ADM]);
    assert.equal((info.mode! & 0o7777).toString(8), (0o640 & ~Deno.umask()).toString(8));
    assert.deepEqual(await seqs(`${path}.1`), [0]);
    assert.deepEqual(await seqs(path), [1, 2]);
    await Deno.remove(dir, { recursive: true });
  },
);

rootTest(
  "a process running as uid 65534, as sluice does, can neither read, append to nor chmod the new file",
  async () => {
    const dir = await rootFolder();
    const path = join(dir, "events.json");
    const run = await startedAndRotated(path);
    run.kill("SIGHUP");
    await until(() => exists(path), "the new file");
    await send(run, 1, 1);
    await finish(run);
    const before = await Deno.readTextFile(path);
    const info = await Deno.stat(path);
    assert.deepEqual([info.uid, info.gid, info.mode! & 0o777], [0, 0, 0o600]);
    // The folder is open to user 65534, so what stops it below is the file's owner and mode.
    await Deno.writeTextFile(join(dir, "public"), "public\n", { mode: 0o644 });
    assert.deepEqual(await asNobody(`cat ${dir}/public`), { code: 0, output: "public\n" });
    for (
      const attempt of [`cat ${path}`, `echo forged >> ${path}`, `chmod 666 ${path}`, `exec 3<> ${path}`]
    ) {
      const { code, output } = await asNobody(attempt);
      assert.notEqual(code, 0, `"${attempt}" as user ${NOBODY} succeeded`);
      assert.match(output, /Permission denied|Operation not permitted/);
    }
    assert.equal(await Deno.readTextFile(path), before);
    await Deno.remove(dir, { recursive: true });
  },
);

rootTest("reopen as uid 65534 appends to the file logrotate created (create 0600 root root)", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "events.json");
  const run = await startedAndRotated(path);
  await Deno.writeTextFile(path, "", { mode: 0o600 });
  run.kill("SIGHUP");
  // The debug line, not a poll of the lock: a poll holding the lock as sluice reopens makes it keep the old file.
  await run.line(/destination audit: SIGHUP: writing to the file now at its path/);
  assert.equal(await lockable(path), false, "sluice holds the lock on the file logrotate created");
  await send(run, 1, 2);
  const lines = await finish(run);
  assert.ok(!lines.some((line) => /cannot reopen/.test(line)), lines.join("\n"));
  assert.deepEqual(await seqs(path), [1, 2]);
  assert.deepEqual(await seqs(`${path}.1`), [0]);
  await Deno.remove(dir, { recursive: true });
});

rootTest(
  "reopen trusts the user sluice started as, not 65534: a file of 65534's at the path is refused",
  async () => {
    const dir = await rootFolder();
    const path = join(dir, "events.json");
    const run = await startedAndRotated(path);
    // Left by a process running as nobody (or a `create 0600 nobody nogroup`): every such process could write it.
    await Deno.writeTextFile(path, "", { mode: 0o600 });
    await Deno.chown(path, NOBODY, NOBODY);
    run.kill("SIGHUP");
    assert.match(
      await run.line(/cannot reopen/),
      /cannot reopen .*events\.json: ".*events\.json" belongs to user 65534, not to root or the user sluice started as \(0\): .*; still writing to the file opened before$/,
    );
    await send(run, 1, 1);
    await finish(run);
    assert.deepEqual(await seqs(`${path}.1`), [0, 1]);
    assert.equal(await Deno.readTextFile(path), "");
    await Deno.remove(dir, { recursive: true });
  },
);

rootTest("disk full after the drop, in a folder only root may enter: only whole lines stay", async () => {
  const dir = await Deno.makeTempDir();
  const mounted = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", dir],
  }).output();
  assert.ok(mounted.success, new TextDecoder().decode(mounted.stderr));
  try {
    const path = join(dir, "events.json");
    const run = replayTo(path);
    await send(run, 0, 800);
    await run.endInput();
    const { code, lines } = await run.done();
    assert.equal(code, 3, lines.join("\n"));
    const text = await Deno.readTextFile(path);
    assert.ok(text.endsWith("\n"), `a partial line was left: ...${text.slice(-40)}`);
    const written = await seqs(path);
    assert.deepEqual(written, Array.from({ length: written.length }, (_, i) => i));
    assert.ok(
      lines.includes(
        `sluice: destination audit: delivered ${written.length}, failed ${
          800 - written.length
        }, retried 0, possible duplicates 0`,
      ),
      lines.join("\n"),
    );
  } finally {
    await new Deno.Command("umount", { args: [dir] }).output();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("only a destination writing a regular file can be reopened", async () => {
  const dir = await Deno.makeTempDir();
  const reopens = async (path: string) =>
    (await createFileDestination("f", { path, formatter: jsonFormatter })).reopen !== undefined;
  assert.equal(await reopens(join(dir, "events.json")), true);
  assert.equal(await reopens("stdout"), false);
  assert.equal(await reopens("/dev/null"), false);
  await Deno.remove(dir, { recursive: true });
});

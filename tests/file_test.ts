import assert from "node:assert/strict";
import { join } from "node:path";
import { createFileDestination, FLUSH_INTERVAL_MS, wholeLines } from "../lib/destinations/file.ts";
import { jsonFormatter } from "../lib/format/json.ts";
import { tableFormatter } from "../lib/format/table.ts";
import { makeBatch, seqOf } from "./_events.ts";
import { MAIN, sluice, START_FLAGS } from "./_sluice.ts";
import { delay, until } from "./_wait.ts";

const ROOT = Deno.uid() === 0;

async function writeAll(
  destination: Awaited<ReturnType<typeof createFileDestination>>,
  ...batches: number[][]
) {
  const writer = destination.writable.getWriter();
  for (const [from, count] of batches) await writer.write(makeBatch(from, count));
  await writer.close();
}

const readLines = async (path: string) => (await Deno.readTextFile(path)).trimEnd().split("\n");
const seqs = async (path: string) => (await readLines(path)).map((line) => seqOf(JSON.parse(line)));

async function mkfifo(path: string): Promise<void> {
  assert.ok((await new Deno.Command("mkfifo", { args: [path] }).output()).success);
}

/** Expects opening a destination at `path` to fail with a message matching `message`. */
async function refused(path: string, message: RegExp): Promise<void> {
  await assert.rejects(createFileDestination("f", { path, formatter: jsonFormatter }), message);
}

Deno.test("file destination creates parent folders, appends (never truncates), one json line per event", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "a", "b", "out.json");
  await Deno.mkdir(join(dir, "a", "b"), { recursive: true });
  const old = JSON.stringify(makeBatch(100, 1)[0]);
  await Deno.writeTextFile(path, old + "\n");
  const destination = await createFileDestination("f", { path, formatter: jsonFormatter });
  await writeAll(destination, [0, 3], [3, 2]);
  assert.deepEqual(await seqs(path), [100, 0, 1, 2, 3, 4]);
  assert.deepEqual(destination.ledger.counters(), {
    delivered: 5,
    failed: 0,
    retried: 0,
    duplicatesPossible: 0,
    inFlight: 0,
  });
  const fresh = join(dir, "new", "deeper", "out.json");
  await writeAll(await createFileDestination("g", { path: fresh, formatter: jsonFormatter }), [0, 1]);
  assert.deepEqual(await seqs(fresh), [0]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a created file is 0600 unless permissions say otherwise", async () => {
  const dir = await Deno.makeTempDir();
  await writeAll(await createFileDestination("f", { path: join(dir, "a.json"), formatter: jsonFormatter }), [
    0,
    1,
  ]);
  assert.equal((await Deno.stat(join(dir, "a.json"))).mode! & 0o777, 0o600);
  const path = join(dir, "b.json");
  await writeAll(await createFileDestination("f", { path, formatter: jsonFormatter, permissions: 0o640 }), [
    0,
    1,
  ]);
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o640 & ~0o022);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("table file starts with the header", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "new", "out.txt");
  await writeAll(await createFileDestination("t", { path, formatter: tableFormatter }), [0, 2]);
  const lines = await readLines(path);
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^TIME +UID +COMM +PID +TID +EVENT +ARGS$/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a quiet file destination flushes within a second", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "out.json");
  const destination = await createFileDestination("f", { path, formatter: jsonFormatter });
  const writer = destination.writable.getWriter();
  await writer.write(makeBatch(0, 1));
  assert.equal(await Deno.readTextFile(path), "");
  await new Promise((r) => setTimeout(r, FLUSH_INTERVAL_MS + 300));
  assert.equal((await readLines(path)).length, 1);
  await writer.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a symbolic link as the file is refused, and what it points to is untouched or not created", async () => {
  const dir = await Deno.makeTempDir();
  const target = join(dir, "passwd");
  await Deno.writeTextFile(target, "root:x:0:0\n");
  await Deno.symlink(target, join(dir, "events.json"));
  await Deno.symlink(join(dir, "nologin"), join(dir, "dangling.json"));
  await refused(
    join(dir, "events.json"),
    /events\.json" is a symbolic link; sluice does not write through one/,
  );
  await refused(join(dir, "dangling.json"), /is a symbolic link/);
  assert.equal(await Deno.readTextFile(target), "root:x:0:0\n");
  await assert.rejects(Deno.lstat(join(dir, "nologin")), Deno.errors.NotFound);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a folder others can change is refused, on the way too; a sticky one of root's is not", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(join(dir, "open", "inner"), { recursive: true });
  await Deno.chmod(join(dir, "open"), 0o777);
  await refused(
    join(dir, "open", "x.json"),
    /the folder ".*open" \(owner \d+, group \d+, mode 0777\) can be changed by/,
  );
  await refused(join(dir, "open", "inner", "x.json"), /the folder ".*open" .*mode 0777/);
  await Deno.chmod(join(dir, "open"), 0o775);
  const groupOwned = (await Deno.stat(join(dir, "open"))).gid !== 0;
  if (groupOwned) await refused(join(dir, "open", "x.json"), /mode 0775/);
  if (ROOT) {
    await Deno.chmod(join(dir, "open"), 0o1777);
    await writeAll(
      await createFileDestination("f", { path: join(dir, "open", "x.json"), formatter: jsonFormatter }),
      [
        0,
        1,
      ],
    );
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a hard link, a folder or another user's file is refused", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "secret"), "s\n");
  await Deno.link(join(dir, "secret"), join(dir, "events.json"));
  await refused(join(dir, "events.json"), /has 2 hard links/);
  await refused(dir, /is a folder/);
  if (ROOT) {
    await Deno.writeTextFile(join(dir, "theirs.json"), "");
    await Deno.chown(join(dir, "theirs.json"), 4321, 4321);
    await refused(
      join(dir, "theirs.json"),
      /belongs to user 4321, not to root or the user sluice started as \(0\)/,
    );
    await Deno.symlink("/var/log", join(dir, "loglink"));
    await new Deno.Command("chown", { args: ["-h", "4321", join(dir, "loglink")] }).output();
    await refused(join(dir, "loglink", "x.json"), /the link ".*loglink" belongs to user 4321/);
  }
  assert.equal(await Deno.readTextFile(join(dir, "secret")), "s\n");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a second destination on a locked file gets a clear error", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "out.json");
  const first = await createFileDestination("a", { path, formatter: jsonFormatter });
  await refused(path, /another process holds the lock on ".*out\.json" \(another sluice writing there\?\)/);
  await writeAll(first, [0, 2]);
  await writeAll(await createFileDestination("b", { path, formatter: jsonFormatter }), [2, 1]);
  assert.deepEqual(await seqs(path), [0, 1, 2]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("reopen after a rename (logrotate): every line in exactly one of the two files", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "events.log");
  const destination = await createFileDestination("t", { path, formatter: tableFormatter });
  const writer = destination.writable.getWriter();
  await writer.write(makeBatch(0, 5));
  await Deno.rename(path, `${path}.1`);
  await writer.write(makeBatch(5, 3));
  await destination.reopen!();
  await writer.write(makeBatch(8, 4));
  await destination.reopen!();
  await writer.close();
  const rotated = await readLines(`${path}.1`);
  const current = await readLines(path);
  assert.match(rotated[0], /^TIME/);
  assert.match(current[0], /^TIME/);
  const seqOfLine = (line: string) => Number(line.match(/seq: (\d+)/)![1]);
  assert.deepEqual(
    [...rotated.slice(1), ...current.slice(1)].map(seqOfLine),
    Array.from({ length: 12 }, (_, i) => i),
  );
  assert.deepEqual(destination.ledger.counters(), {
    delivered: 12,
    failed: 0,
    retried: 0,
    duplicatesPossible: 0,
    inFlight: 0,
  });
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a reopen that finds a link keeps writing to the file it had", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "events.json");
  const warnings: string[] = [];
  const destination = await createFileDestination("f", {
    path,
    formatter: jsonFormatter,
    warn: (line) => warnings.push(line),
  });
  const writer = destination.writable.getWriter();
  await writer.write(makeBatch(0, 2));
  await Deno.rename(path, `${path}.1`);
  await Deno.symlink("/etc/passwd", path);
  await destination.reopen!();
  await writer.write(makeBatch(2, 2));
  await writer.close();
  assert.deepEqual(await seqs(`${path}.1`), [0, 1, 2, 3]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /cannot reopen .*is a symbolic link.*; still writing to the file opened before$/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a named pipe: written when it has a reader, a clear error when none comes", async () => {
  const dir = await Deno.makeTempDir();
  const fifo = join(dir, "events.pipe");
  await mkfifo(fifo);
  await assert.rejects(
    createFileDestination("p", { path: fifo, formatter: jsonFormatter, pipeOpenTimeoutMs: 300 }),
    /no process opened the named pipe ".*events\.pipe" for reading within 0\.3 s: start its reader first/,
  );
  // Let the abandoned open finish, so nothing is left waiting.
  (await Deno.open(fifo, { read: true })).close();
  const reading = Deno.open(fifo, { read: true }).then((file) => new Response(file.readable).text());
  await writeAll(await createFileDestination("p", { path: fifo, formatter: jsonFormatter }), [0, 3]);
  assert.equal((await reading).trimEnd().split("\n").length, 3);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("after shutdown, a reader that stopped reading is given up after the grace, counted as failed", async () => {
  const dir = await Deno.makeTempDir();
  const fifo = join(dir, "events.pipe");
  await mkfifo(fifo);
  const reader = Deno.open(fifo, { read: true });
  const shutdown = new AbortController();
  const warnings: string[] = [];
  const destination = await createFileDestination("p", {
    path: fifo,
    formatter: jsonFormatter,
    shutdown: shutdown.signal,
    shutdownGraceMs: 300,
    warn: (line) => warnings.push(line),
  });
  const writer = destination.writable.getWriter();
  // Far more than a pipe holds: the write stalls once the pipe is full.
  for (let i = 0; i < 4; i++) await Promise.race([writer.write(makeBatch(i * 5000, 5000)), delay(200)]);
  shutdown.abort();
  await writer.close();
  const { delivered, failed } = destination.ledger.counters();
  assert.equal(delivered + failed, 20_000);
  assert.ok(failed > 0);
  assert.match(warnings.at(-1)!, /took nothing for 300 ms after shutdown began .*; \d+ events not written$/);
  (await reader).close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("wholeLines counts the lines that landed whole, in bytes", () => {
  // "ab\n", "ünï\n" (6 bytes), "c\n": where each line ends.
  const ends = [3, 9, 11];
  assert.deepEqual(wholeLines(ends, 0), { lines: 0, bytes: 0 });
  assert.deepEqual(wholeLines(ends, 3), { lines: 1, bytes: 3 });
  assert.deepEqual(wholeLines(ends, 8), { lines: 1, bytes: 3 });
  assert.deepEqual(wholeLines(ends, 9), { lines: 2, bytes: 9 });
  assert.deepEqual(wholeLines(ends, 11), { lines: 3, bytes: 11 });
});

Deno.test({
  name: "disk full: only whole lines stay, counted as delivered; the rest counted as failed",
  ignore: !ROOT,
  async fn() {
    const dir = await Deno.makeTempDir();
    const mounted = await new Deno.Command("mount", { args: ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir] })
      .output();
    assert.ok(mounted.success, new TextDecoder().decode(mounted.stderr));
    try {
      const path = join(dir, "out.json");
      const warnings: string[] = [];
      const destination = await createFileDestination("f", {
        path,
        formatter: jsonFormatter,
        warn: (line) => warnings.push(line),
      });
      await writeAll(destination, [0, 400], [400, 400]);
      const text = await Deno.readTextFile(path);
      assert.ok(text.endsWith("\n"));
      const written = text.trimEnd().split("\n").map((line) => seqOf(JSON.parse(line)));
      assert.deepEqual(written, Array.from({ length: written.length }, (_, i) => i));
      assert.deepEqual(destination.ledger.counters(), {
        delivered: written.length,
        failed: 800 - written.length,
        retried: 0,
        duplicatesPossible: 0,
        inFlight: 0,
      });
      assert.ok(written.length > 0 && written.length < 800);
      assert.match(warnings[0], /write to .*out\.json failed: No space left on device/);
    } finally {
      await new Deno.Command("umount", { args: [dir] }).output();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** Starts sluice replaying from a stdin the test writes to. */
function replayFromStdin(args: string[], stdout: "piped" | "null" = "null") {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...START_FLAGS, MAIN, "--input", "-", ...args],
    stdin: "piped",
    stdout,
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const writer = child.stdin.getWriter();
  const send = (from: number, count: number) =>
    writer.write(
      new TextEncoder().encode(makeBatch(from, count).map((e) => JSON.stringify(e) + "\n").join("")),
    );
  const stderr = new Response(child.stderr).text();
  return { child, writer, send, stderr };
}

async function lineCount(path: string): Promise<number> {
  return await Deno.readTextFile(path).then((text) => text.split("\n").length - 1, () => 0);
}

Deno.test("sluice: SIGHUP after logrotate's rename starts a new file; nothing lost, nothing twice", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "events.json");
  const run = replayFromStdin(["-o", `json:${path}`]);
  await run.send(0, 300);
  await until(async () => await lineCount(path) === 300, "the first 300 lines");
  await Deno.rename(path, `${path}.1`);
  await run.send(300, 200);
  run.child.kill("SIGHUP");
  await until(() => Deno.stat(path).then(() => true, () => false), "the new file");
  await run.send(500, 300);
  await run.writer.close();
  const status = await run.child.status;
  assert.equal(status.code, 0, await run.stderr);
  const all = [...await seqs(`${path}.1`), ...await seqs(path)];
  assert.deepEqual(all, Array.from({ length: 800 }, (_, i) => i));
  assert.ok((await seqs(path)).length >= 300 && (await seqs(`${path}.1`)).length >= 300);
  assert.match(await run.stderr, /destination .*json: delivered 800, failed 0/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("sluice: a second run on the same output path exits with a clear error", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "events.json");
  const first = replayFromStdin(["-o", `json:${path}`]);
  await first.send(0, 10);
  await until(async () => await lineCount(path) === 10, "the first run's lines");
  const second = await sluice(["--input", "/dev/null", "-o", `json:${path}`]);
  assert.equal(second.code, 1, second.stderr);
  assert.match(
    second.stderr,
    /another process holds the lock on ".*events\.json" \(another sluice writing there\?\)/,
  );
  await first.writer.close();
  assert.equal((await first.child.status).code, 0);
  assert.deepEqual(await seqs(path), Array.from({ length: 10 }, (_, i) => i));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("sluice -o json | (a reader that stopped): SIGINT ends the run after the grace, unwritten events counted", async () => {
  const run = replayFromStdin(["-o", "json"], "piped");
  // Far more than the pipe holds; sluice blocks once it is full, and so does this write.
  run.send(0, 20_000).catch(() => {});
  await delay(1500);
  run.child.kill("SIGINT");
  const status = await run.child.status;
  const stderr = await run.stderr;
  await run.child.stdout.cancel();
  const stream = stderr.match(/stream default-stream: matched (\d+), delivered (\d+), dropped 0/);
  const destination = stderr.match(/destination stdoutjson: delivered (\d+), failed (\d+)/);
  assert.ok(stream && destination, stderr);
  assert.ok(Number(destination[2]) > 0, stderr);
  assert.equal(Number(destination[1]) + Number(destination[2]), Number(stream[1]), stderr);
  assert.match(stderr, /stdout took nothing for 10000 ms after shutdown began .*events not written/);
  assert.notEqual(status.signal, "SIGKILL");
});

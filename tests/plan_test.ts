import assert from "node:assert/strict";
import { join } from "node:path";
import { makeBatch } from "./_events.ts";
import { MAIN, sluice, START_FLAGS } from "./_sluice.ts";

async function recording(dir: string, count = 5): Promise<string> {
  const path = join(dir, "events.jsonl");
  await Deno.writeTextFile(path, makeBatch(0, count).map((e) => JSON.stringify(e) + "\n").join(""));
  return path;
}

/** Runs a bash line in which `"$@"` stands for the start task's sluice command. */
async function shell(line: string): Promise<{ code: number; stderr: string }> {
  const out = await new Deno.Command("bash", {
    args: ["-c", line, "bash", Deno.execPath(), "run", ...START_FLAGS, MAIN],
    env: { NO_COLOR: "1" },
    stderr: "piped",
    stdout: "null",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("the output is the input: refused by name, through a link and as stdin, and the recording is kept", async () => {
  const dir = await Deno.makeTempDir();
  const input = await recording(dir);
  const before = await Deno.readTextFile(input);
  await Deno.symlink(dir, join(dir, "alias"));
  for (const output of [input, join(dir, ".", "events.jsonl"), join(dir, "alias", "events.jsonl")]) {
    const run = await sluice(["--input", input, "-o", `json:${output}`]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /is the --input file: sluice would read back what it writes; give another path/);
  }
  const viaShell = await shell(`"$@" --input - -o json < '${input}' >> '${input}'`);
  assert.equal(viaShell.code, 2, viaShell.stderr);
  assert.match(viaShell.stderr, /destinations\.stdoutjson\.path: "stdout" is the --input file/);
  assert.equal(await Deno.readTextFile(input), before);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("two destinations writing one file under two names are refused", async () => {
  const dir = await Deno.makeTempDir();
  const input = await recording(dir);
  const out = join(dir, "out.json");
  const run = await shell(`"$@" --input '${input}' -o json -o 'table:${out}' > '${out}'`);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /is the file destination "stdoutjson" writes too; give each its own file/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("validate refuses an output path that is a link or sits in a folder others can change", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.symlink("/etc/passwd", join(dir, "events.json"));
  await Deno.mkdir(join(dir, "shared"), { mode: 0o777 });
  await Deno.chmod(join(dir, "shared"), 0o777);
  const run = await sluice([
    "validate",
    "-o",
    `json:${join(dir, "events.json")}`,
    "-o",
    `table:${join(dir, "shared", "x.txt")}`,
  ]);
  assert.equal(run.code, 2, run.stderr);
  const lines = run.stderr.trim().split("\n");
  assert.equal(lines.length, 2, run.stderr);
  assert.match(lines[0], /events\.jsonjson\.path: ".*events\.json" is a symbolic link/);
  assert.match(
    lines[1],
    /x\.txttable\.path: the folder ".*shared" .*mode 0777\) can be changed by other users/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("--input: a folder is refused; /dev/stdin, <(cmd) and a named pipe replay", async () => {
  const dir = await Deno.makeTempDir();
  const folder = await sluice(["--input", dir, "-o", "none"]);
  assert.equal(folder.code, 2);
  assert.match(folder.stderr, /--input .*: is a folder; give a JSON-lines file, a named pipe or - for stdin/);

  const input = await recording(dir, 7);
  for (
    const [name, line] of [
      ["/dev/stdin", `"$@" --input /dev/stdin -o 'json:${dir}/a.json' < '${input}'`],
      ["<(cmd)", `"$@" --input <(cat '${input}') -o 'json:${dir}/b.json'`],
      [
        "fifo",
        `mkfifo '${dir}/p' && (cat '${input}' > '${dir}/p' &) && "$@" --input '${dir}/p' -o 'json:${dir}/c.json'`,
      ],
    ]
  ) {
    const run = await shell(line);
    assert.equal(run.code, 0, `${name}: ${run.stderr}`);
    assert.match(run.stderr, /stream default-stream: matched 7, delivered 7, dropped 0/, name);
  }
  await Deno.remove(dir, { recursive: true });
});

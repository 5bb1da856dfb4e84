// The host's process tree from /proc, for tree= roots whose descendants already run.
import assert from "node:assert/strict";
import { loadPolicies } from "../lib/policy/mod.ts";
import { descendants, readParents } from "../lib/policy/procfs.ts";
import { matched, openat } from "./_policy.ts";

Deno.test("parents are read from stat files; a comm with spaces and parentheses does not confuse it", async () => {
  const root = await Deno.makeTempDir();
  const stat = { 1: "1 (init) S 0 1 1", 42: "42 (my (odd) name) R 1 42 42", 43: "43 (x) S 42 43 1" };
  for (const [pid, text] of Object.entries(stat)) {
    await Deno.mkdir(`${root}/${pid}`);
    await Deno.writeTextFile(`${root}/${pid}/stat`, text);
  }
  await Deno.mkdir(`${root}/self`);
  await Deno.mkdir(`${root}/77`); // a process that exited between listing and reading
  const parents = await readParents(root);
  assert.deepEqual([...parents].sort((a, b) => a[0] - b[0]), [[1, 0], [42, 1], [43, 42]]);
  assert.deepEqual(descendants(1, parents).sort(), [1, 42, 43]);
  assert.deepEqual(descendants(43, parents), [43]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("tree=PID with procfs covers a child that was running before the policies loaded", async () => {
  const sleeper = new Deno.Command("sleep", { args: ["30"] }).spawn();
  try {
    const event = openat("/x", { pid: sleeper.pid });
    const input = { policyPaths: [], scopes: [`tree=${Deno.pid}`], events: ["openat"] };
    const live = await loadPolicies(input, { defaultEvents: undefined, procfs: true });
    assert.deepEqual(matched(live, [event, openat("/x", { pid: 1 })]), [["default"], undefined]);
    const replay = await loadPolicies(input, { defaultEvents: undefined });
    assert.deepEqual(matched(replay, [event]), [undefined]);
  } finally {
    sleeper.kill();
    await sleeper.status;
  }
});

Deno.test("without --allow-all, ps gives the same tree as /proc", async () => {
  const dir = await Deno.makeTempDir();
  const script = `${dir}/parents.ts`;
  await Deno.writeTextFile(
    script,
    `import { readParents } from "${import.meta.dirname}/../lib/policy/procfs.ts";\n` +
      "const parents = await readParents();\n" +
      "console.log(JSON.stringify([parents.get(Deno.pid), Deno.ppid, parents.size]));\n",
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-run", "--no-prompt", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(dir, { recursive: true });
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const [parent, ppid, size] = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(parent, ppid);
  assert(size > 1);
});

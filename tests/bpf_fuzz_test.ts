/**
 * The exec fuzzer (issue 8): thousands of execs by an unprivileged user (uid 65534) against the live
 * kernel, with argv counts and lengths, path lengths and depths around every bound, the forging
 * layout included; every reported uid, pid, comm, return value and argument must equal what the
 * workload recorded, or be marked cut where a bound was passed.
 *
 * SLUICE_FUZZ_SEED replays a run (the seed is printed); SLUICE_FUZZ_CASES sets the count.
 */

import assert from "node:assert/strict";
import { asNobody, bpfTest, NOBODY, trace } from "./_bpf.ts";
import { buildWorkload } from "../bench/workload.ts";
import type { Event } from "../lib/events/event.ts";
import { CaseMaker, caseProblems, encodeCases, type ExecCase, random, type Target } from "./_exec_fuzz.ts";

const SEED = Number(Deno.env.get("SLUICE_FUZZ_SEED") ?? Math.floor(Math.random() * 2 ** 32));
const CASES = Number(Deno.env.get("SLUICE_FUZZ_CASES") ?? 2000);

async function sh(script: string, cwd: string): Promise<void> {
  const output = await new Deno.Command("/bin/sh", { args: ["-c", script], cwd }).output();
  if (!output.success) throw new Error(`${script.slice(0, 80)} failed in ${cwd}`);
}

/**
 * Programs the cases run: shallow, 64 directories deep, at resolved lengths of 4,094 and 4,095 bytes
 * (exec'd by that path), and of 4,096 and 4,300 bytes (through a short symbolic link).
 */
async function plantTargets(base: string): Promise<Target[]> {
  const targets: Target[] = [];
  const plant = async (relative: string, link?: string) => {
    // A piece at a time, changing into each with cd -P: the whole may be longer than one path can
    // be. Each piece holds a link h to the next one's (the last one's to t): a link's target is
    // itself a path, at most 4,095 bytes.
    const pieces = relative.match(/.{1,2000}(\/|$)/g)!.map((p) => p.replace(/\/$/, ""));
    const steps = pieces.map((p, i) =>
      `mkdir -p '${p}' && cd -P '${p}' && ln -s '${i + 1 < pieces.length ? `${pieces[i + 1]}/h` : "t"}' h`
    );
    await sh(`${steps.join(" && ")} && cp /bin/true t`, base);
    const resolved = `${base}/${relative}/t`;
    if (link === undefined) targets.push({ given: resolved, resolved });
    else {
      await Deno.symlink(`${pieces[0]}/h`, `${base}/${link}`);
      targets.push({ given: `${base}/${link}`, resolved });
    }
  };
  // A relative folder name that makes the resolved path `length` bytes long.
  const tree = (name: string, length: number) => {
    let relative = name;
    let left = length - base.length - "/".length - name.length - "/t".length;
    if (left === 1) [relative, left] = [relative + "x", 0];
    while (left > 0) {
      let part = Math.min(200, left - 1);
      // Never leave one byte: no "/NAME" is that short.
      if (left - part - 1 === 1) part -= 1;
      relative += "/" + "n".repeat(part);
      left -= part + 1;
    }
    return relative;
  };
  await plant("s");
  await plant(Array(64).fill("d").join("/"));
  await plant(tree("a", 4094));
  await plant(tree("b", 4095));
  await plant(tree("c", 4096), "l1");
  await plant(tree("e", 4300), "l2");
  return targets;
}

bpfTest(
  `bpf fuzz: ${CASES} execs as uid ${NOBODY} report exactly what they did, or mark the cut`,
  async () => {
    console.log(`bpf fuzz: seed ${SEED}, ${CASES} cases (replay with SLUICE_FUZZ_SEED=${SEED})`);
    const workload = await buildWorkload();
    const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "sluice-fuzz-" }));
    await Deno.chmod(base, 0o755);
    try {
      const targets = await plantTargets(base);
      for (const t of targets) assert((await Deno.stat(t.given)).isFile, `${t.given} was not planted`);
      assert.deepEqual(targets.slice(2).map((t) => t.resolved.length), [4094, 4095, 4096, 4300]);
      const maker = new CaseMaker(random(SEED));
      const cases: ExecCase[] = Array.from({ length: CASES }, () => maker.case(`${base}/missing`, targets));
      const file = `${base}/cases`;
      await Deno.writeFile(file, encodeCases(cases), { mode: 0o644 });
      let lines: string[] = [];
      const events = await trace(["execve", "sched_process_exec"], async () => {
        lines = (await asNobody(workload, ["exec-cases", file])).stdout.split("\n");
      });
      assert.equal(lines.length, CASES);
      const byPid = new Map<number, Event[]>();
      for (const e of events) {
        const pid = e.workload?.process?.host_pid ?? -1;
        byPid.set(pid, [...byPid.get(pid) ?? [], e]);
      }
      const failures: string[] = [];
      cases.forEach((c, i) => {
        const [pid, result] = lines[i].split(" ").map(Number);
        const problems = caseProblems(c, { pid, result }, byPid.get(pid) ?? [], NOBODY);
        if (problems.length > 0) {
          failures.push(`case ${i} (pid ${pid}, result ${result}): ${problems.join("; ")}`);
        }
      });
      const ran = lines.filter((l) => l.endsWith(" 0")).length;
      console.log(`bpf fuzz: ${CASES - failures.length} of ${CASES} cases agree (${ran} exec'd a program)`);
      assert.deepEqual(failures.slice(0, 20), [], `seed ${SEED}: ${failures.length} cases disagree`);
    } finally {
      await Deno.remove(base, { recursive: true });
    }
  },
);

/**
 * The live host's process tree, read once at start, so that `tree=PID` also covers
 * descendants that existed before sluice (fork events only show new ones).
 *
 * Deno asks for --allow-all before it reads anything under /proc; without it, `ps` (which
 * --allow-run covers) gives the same pid/ppid pairs.
 *
 * @module
 */

/** Each running process's parent: pid -> ppid. Processes that vanish while reading are skipped. */
export async function readParents(root = "/proc"): Promise<Map<number, number>> {
  try {
    return await readProc(root);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotCapable)) throw error;
  }
  return await readPs();
}

async function readProc(root: string): Promise<Map<number, number>> {
  const parents = new Map<number, number>();
  for await (const entry of Deno.readDir(root)) {
    if (!/^\d+$/.test(entry.name)) continue;
    let stat: string;
    try {
      stat = await Deno.readTextFile(`${root}/${entry.name}/stat`);
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) throw error;
      continue;
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (Number.isInteger(ppid)) parents.set(Number(entry.name), ppid);
  }
  return parents;
}

async function readPs(): Promise<Map<number, number>> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("ps", { args: ["-A", "-o", "pid=,ppid="], stdout: "piped" }).output();
  } catch (error) {
    throw new Error(
      `tree=: cannot read the process tree: /proc needs --allow-all and ps failed (${
        (error as Error).message
      })`,
    );
  }
  const parents = new Map<number, number>();
  for (const line of new TextDecoder().decode(output.stdout).split("\n")) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (Number.isInteger(pid) && Number.isInteger(ppid)) parents.set(pid, ppid);
  }
  return parents;
}

/** `pid` and every process below it in `parents`. */
export function descendants(pid: number, parents: ReadonlyMap<number, number>): number[] {
  const children = new Map<number, number[]>();
  for (const [child, parent] of parents) {
    const list = children.get(parent);
    if (list === undefined) children.set(parent, [child]);
    else list.push(child);
  }
  const found = [pid];
  for (let i = 0; i < found.length; i++) found.push(...(children.get(found[i]) ?? []));
  return found;
}

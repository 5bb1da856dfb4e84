/**
 * The live host's process tree from /proc, read once at start, so that `tree=PID` also
 * covers descendants that existed before sluice (fork events only show new ones).
 *
 * @module
 */

/** Each running process's parent: pid -> ppid. Processes that vanish while reading are skipped. */
export async function readParents(root = "/proc"): Promise<Map<number, number>> {
  const parents = new Map<number, number>();
  for await (const entry of Deno.readDir(root)) {
    if (!/^\d+$/.test(entry.name)) continue;
    let stat: string;
    try {
      stat = await Deno.readTextFile(`${root}/${entry.name}/stat`);
    } catch {
      continue;
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (Number.isInteger(ppid)) parents.set(Number(entry.name), ppid);
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

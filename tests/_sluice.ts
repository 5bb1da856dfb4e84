// Test helpers: run sluice's main.ts as a child process with the permissions a shipped task grants.

/** main.ts, to run as a child. */
export const MAIN: string = new URL("../main.ts", import.meta.url).pathname;

const TASKS = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url))).tasks;

/** The permission flags (`--allow-*`, `--ignore-*`, `--no-prompt`) of the last command of the deno.json task `name`. */
export function taskFlags(name: string): string[] {
  return TASKS[name].split("&&").at(-1).trim().split(/\s+/).filter((arg: string) =>
    /^--(allow|ignore|deny)-/.test(arg) || arg === "--no-prompt"
  );
}

/** Run main.ts with exactly the permissions the shipped `start` task grants, so a missing one fails. */
export const START_FLAGS: string[] = taskFlags("start");

/** What a finished run printed and how it exited. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link sluice}. */
export interface SluiceOptions {
  /** Written to sluice's stdin, then closed; without it stdin is /dev/null. */
  stdin?: string;
  /** Permission flags instead of {@link START_FLAGS}. */
  flags?: string[];
}

/** Runs sluice with `args` to the end. */
export async function sluice(args: string[], options: SluiceOptions = {}): Promise<Run> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...(options.flags ?? START_FLAGS), MAIN, ...args],
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

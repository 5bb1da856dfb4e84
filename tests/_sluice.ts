// sluice as a subprocess for the service tests: main.ts with exactly the start task's
// permissions, stderr read line by line as it comes, stdin kept open for as long as a test wants.

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const TASKS = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url))).tasks;

/** The permission flags of the shipped `start` task. */
export const START_FLAGS: string[] = TASKS.start.split("&&").at(-1).trim().split(/\s+/).filter((a: string) =>
  a.startsWith("--allow-")
);

/** A running sluice. */
export interface Running {
  readonly pid: number;
  /** Every stderr line so far. */
  readonly lines: string[];
  /** Writes to sluice's stdin (with `stdin: true`). */
  write(text: string): Promise<void>;
  /** Closes sluice's stdin: a `--input -` replay then ends. */
  endInput(): Promise<void>;
  /** Resolves with the first stderr line matching `pattern` (throws if sluice exits first). */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Waits for the exit; the status and every stderr line. */
  done(): Promise<{ code: number; lines: string[] }>;
  kill(signal: Deno.Signal): void;
}

/** Starts `main.ts args`; `stdin: true` pipes stdin for {@link Running.write}. */
export function startSluice(args: string[], options: { stdin?: boolean } = {}): Running {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...START_FLAGS, MAIN, ...args],
    stdin: options.stdin ? "piped" : "null",
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const lines: string[] = [];
  let exited = false;
  const reading = (async () => {
    let rest = "";
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      lines.push(...parts);
    }
    if (rest !== "") lines.push(rest);
  })();
  const status = child.status.then(async (s) => {
    await reading;
    exited = true;
    return s;
  });
  const writer = options.stdin ? child.stdin.getWriter() : undefined;
  return {
    pid: child.pid,
    lines,
    write: async (text) => await writer!.write(new TextEncoder().encode(text)),
    endInput: async () => await writer!.close(),
    async line(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find((l) => pattern.test(l));
        if (found !== undefined) return found;
        if (exited) throw new Error(`sluice exited without printing ${pattern}:\n${lines.join("\n")}`);
        if (Date.now() > deadline) {
          throw new Error(`no line ${pattern} within ${timeoutMs} ms:\n${lines.join("\n")}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async done() {
      const { code } = await status;
      return { code, lines };
    },
    kill: (signal) => child.kill(signal),
  };
}

/** The URL sluice printed for its `--server`. */
export async function serverUrl(run: Running): Promise<string> {
  const line = await run.line(/serving .* on http:\/\//);
  return /on (http:\/\/\S+)/.exec(line)![1];
}

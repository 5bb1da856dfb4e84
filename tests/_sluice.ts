// Runs sluice (main.ts) as a user would, with the permissions of the shipped `start` task, and reads
// its exit summary back into numbers.
import { join } from "node:path";
import { makeBatch } from "./_events.ts";

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

/** A finished run. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** stderr's lines. */
  lines: string[];
  /** Milliseconds from start to exit. */
  ms: number;
}

/** A running sluice: signal it, then await `done`. */
export interface Running {
  child: Deno.ChildProcess;
  done: Promise<Run>;
}

/** Options of {@link start} and {@link sluice}. */
export interface SluiceOptions {
  /** Written to sluice's stdin, then closed; without it stdin is /dev/null. */
  stdin?: string;
  /** Permission flags instead of {@link START_FLAGS}. */
  flags?: string[];
}

/** Starts sluice with `args`. */
export function start(args: string[], options: SluiceOptions = {}): Running {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...(options.flags ?? START_FLAGS), MAIN, ...args],
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    writer.write(new TextEncoder().encode(options.stdin)).then(() => writer.close()).catch(() => {});
  }
  const done = child.output().then((out) => {
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    const stderr = decode(out.stderr);
    return {
      code: out.code,
      stdout: decode(out.stdout),
      stderr,
      lines: stderr.trimEnd().split("\n").filter((l) => l !== ""),
      ms: performance.now() - started,
    };
  });
  return { child, done };
}

/** Runs sluice with `args` to its end. */
export function sluice(args: string[], options: SluiceOptions = {}): Promise<Run> {
  return start(args, options).done;
}

/** A recording of `count` distinct events (seq 0..count-1) in a new temporary folder; returns its path. */
export async function recording(count: number): Promise<string> {
  const path = join(await Deno.makeTempDir(), "events.jsonl");
  await Deno.writeTextFile(path, makeBatch(0, count).map((e) => JSON.stringify(e)).join("\n") + "\n");
  return path;
}

/** A stream's line of the exit summary. */
export interface StreamLine {
  matched: number;
  delivered: number;
  dropped: number;
  failed: number;
  pending: number;
}

/** A destination's line of the exit summary. */
export interface DestinationLine {
  delivered: number;
  failed: number;
  retried: number;
  duplicatesPossible: number;
  inFlight: number;
}

/** The summary's numbers for stream `name`; throws when its line is missing. */
export function streamLine(run: Run, name: string): StreamLine {
  const found = new RegExp(
    `stream ${name}: matched (\\d+), delivered (\\d+), dropped (\\d+), failed (\\d+)(?:, still pending (\\d+))?$`,
  );
  const match = run.lines.map((line) => found.exec(line)).find((m) => m !== null);
  if (!match) throw new Error(`no summary line for stream ${name} in:\n${run.stderr}`);
  const [matched, delivered, dropped, failed, pending] = match.slice(1).map((n) => Number(n ?? 0));
  return { matched, delivered, dropped, failed, pending };
}

/** The summary's numbers for destination `name`; throws when its line is missing. */
export function destinationLine(run: Run, name: string): DestinationLine {
  const found = new RegExp(
    `destination ${name}: delivered (\\d+), failed (\\d+), retried (\\d+), possible duplicates (\\d+)` +
      `(?:, still in flight (\\d+))?$`,
  );
  const match = run.lines.map((line) => found.exec(line)).find((m) => m !== null);
  if (!match) throw new Error(`no summary line for destination ${name} in:\n${run.stderr}`);
  const [delivered, failed, retried, duplicatesPossible, inFlight] = match.slice(1).map((n) =>
    Number(n ?? 0)
  );
  return { delivered, failed, retried, duplicatesPossible, inFlight };
}

/** A running sluice whose stderr is read line by line as it comes (service tests). */
export interface LiveRun {
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

/** Starts `main.ts args`; `stdin: true` pipes stdin for {@link LiveRun.write}. */
export function startSluice(args: string[], options: { stdin?: boolean } = {}): LiveRun {
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
export async function serverUrl(run: LiveRun): Promise<string> {
  const line = await run.line(/serving .* on http:\/\//);
  return /on (http:\/\/\S+)/.exec(line)![1];
}

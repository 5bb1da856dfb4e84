/**
 * The `file` destination: formatted events, one a line, to stdout, stderr or a path (opened
 * safely, appended to, locked: see `file_output.ts`).
 *
 * Lines are written into one byte buffer (the json format straight from the event, others
 * encoded line by line) and written in large chunks; a timer flushes at least every second so a
 * quiet stream still shows its events promptly, and close flushes the rest. Only whole lines
 * stay in a file: when a write fails part way (disk full), the partial line is cut off again
 * and only the events whose lines landed whole count as delivered.
 *
 * An event its format fails on (a template's runtime error) is left out and counted as failed;
 * the first such failure is reported.
 *
 * Once sluice shuts down, a write that makes no progress for the grace period (a reader of
 * stdout that stopped reading: `sluice | sleep 40`) is given up: what is left counts as failed
 * and the run can end.
 *
 * @module
 */

import type { Event } from "../events/event.ts";
import { FormatError, formatFailureReporter, type Formatter } from "../format/format.ts";
import { JsonBytes } from "../format/json_bytes.ts";
import { type BatchSink, type Destination, sinkDestination } from "./destination.ts";
import { Ledger } from "./ledger.ts";
import { type FileOutput, openFileOutput, WriteError } from "./file_output.ts";
import { DEFAULT_GRACE_MS } from "../config/url_params.ts";

/** How often buffered lines are written out even when the buffer is not full. */
export const FLUSH_INTERVAL_MS = 1000;
const FLUSH_BYTES = 256 * 1024;
/** How often a write in progress is looked at once shutdown has begun. */
const STALL_CHECK_MS = 200;

/** Options of {@link createFileDestination}. */
export interface FileDestinationOptions {
  /** `stdout`, `stderr` or a filesystem path (appended to; created with its folders). */
  path: string;
  formatter: Formatter;
  /** Reports a write failure (once per failure streak) so it is not silent. */
  warn?: (line: string) => void;
  /** Mode of a file sluice creates. @default {0o600} */
  permissions?: number;
  /** Aborted when sluice begins to shut down: a write that stalls then is given up after the grace. */
  shutdown?: AbortSignal;
  /** How long a stalled write is waited for once shutdown begins. @default {DEFAULT_GRACE_MS} */
  shutdownGraceMs?: number;
  /** How long opening a named pipe waits for its reader. @default {10 s} */
  pipeOpenTimeoutMs?: number;
}

/**
 * How many lines landed whole in the first `written` bytes, given where each line (its newline
 * included) ends, and the bytes they take.
 */
export function wholeLines(ends: readonly number[], written: number): { lines: number; bytes: number } {
  let whole = 0;
  while (whole < ends.length && ends[whole] <= written) whole++;
  return { lines: whole, bytes: whole === 0 ? 0 : ends[whole - 1] };
}

/**
 * Opens the output (creating its folders) and returns the destination writing to it; for a
 * regular file, its `reopen` starts a new file at the same path (logrotate's SIGHUP).
 */
export async function createFileDestination(
  name: string,
  options: FileDestinationOptions,
): Promise<Destination> {
  const { formatter, path } = options;
  const output: FileOutput = await openFileOutput(path, options);
  const ledger = new Ledger();
  const warn = (line: string) => options.warn?.(line);
  const graceMs = options.shutdownGraceMs ?? DEFAULT_GRACE_MS;
  // What happened to each event is told with the events themselves, one place each.
  const delivered = (events: readonly Event[]) => ledger.delivered(events);
  const failed = (events: readonly Event[]) => ledger.failed(events);
  // The lines waiting to be written, and where each ends in it.
  const out = new JsonBytes();
  let ends: number[] = [];
  let headerLines = 0;
  let held: Event[] = [];
  // Chunks handed to the write chain, oldest first; the one being written is `inFlight`.
  let queued: Event[][] = [];
  let busy = false;
  let inFlight: Event[] = [];
  let closed = false;
  let failing = false;
  let readerGone: Error | undefined;
  let writing: Promise<void> = Promise.resolve();
  let abandoned = false;
  let giveUp = () => {};
  const gaveUp = new Promise<void>((resolve) => giveUp = resolve);

  const addHeader = () => {
    if (formatter.header === undefined) return;
    const added = out.prependLine(formatter.header);
    ends = [added, ...ends.map((end) => end + added)];
    headerLines = 1;
  };
  addHeader();

  const report = (error: unknown) => {
    if (error instanceof Deno.errors.BrokenPipe) {
      readerGone ??= new Error(`destination ${name}: the reader of ${path} has gone (broken pipe)`);
      return;
    }
    if (!failing) warn(`destination ${name}: write to ${path} failed: ${(error as Error).message}`);
    failing = true;
  };

  const writeChunk = async (chunk: Uint8Array, chunkEnds: number[], events: Event[], header: number) => {
    // Given up: these were counted as failed then.
    if (abandoned) return;
    queued.shift();
    busy = true;
    inFlight = events;
    try {
      await output.write(chunk);
      if (abandoned) return;
      delivered(events);
      failing = false;
    } catch (error) {
      if (abandoned) return;
      const written = error instanceof WriteError ? error.written : 0;
      const whole = wholeLines(chunkEnds, written);
      await output.dropTail(written - whole.bytes).catch(() => {});
      const landed = Math.max(0, whole.lines - header);
      delivered(events.slice(0, landed));
      failed(events.slice(landed));
      report(error instanceof WriteError ? error.cause : error);
    } finally {
      busy = false;
      inFlight = [];
    }
  };

  const flush = (): Promise<void> => {
    if (ends.length === 0) return writing;
    const chunk = out.take();
    const chunkEnds = ends;
    const events = held;
    const header = headerLines;
    ends = [];
    held = [];
    headerLines = 0;
    queued.push(events);
    writing = writing.then(() => writeChunk(chunk, chunkEnds, events, header));
    return writing;
  };
  const bounded = (work: Promise<void>) => Promise.race([work, gaveUp]);

  const reportFormatFailures = formatFailureReporter(name, warn);
  const timer = setInterval(flush, FLUSH_INTERVAL_MS);
  Deno.unrefTimer(timer);

  // After shutdown begins, a write in flight that makes no progress for the grace is given up.
  let watch: ReturnType<typeof setInterval> | undefined;
  const startWatch = () => {
    const since = Date.now();
    watch = setInterval(() => {
      if (!busy || Date.now() - Math.max(since, output.lastProgress()) < graceMs) return;
      clearInterval(watch);
      abandoned = true;
      const lost = [inFlight, ...queued, held];
      let count = 0;
      for (const events of lost) {
        failed(events);
        count += events.length;
      }
      out.take();
      ends = [];
      held = [];
      queued = [];
      warn(
        `destination ${name}: ${path} took nothing for ${graceMs} ms after shutdown began ` +
          `(its reader stopped reading?); ${count} events not written`,
      );
      giveUp();
    }, STALL_CHECK_MS);
  };
  if (options.shutdown?.aborted) startWatch();
  else options.shutdown?.addEventListener("abort", startWatch, { once: true });

  const sink: BatchSink = {
    write(batch: Event[]) {
      // Nobody will ever read what comes next (`sluice | head`): end the run, as SIGPIPE would.
      if (readerGone !== undefined) {
        failed(batch);
        throw readerGone;
      }
      if (abandoned) {
        failed(batch);
        return;
      }
      const failures: FormatError[] = [];
      const unformatted: Event[] = [];
      for (const event of batch) {
        try {
          if (formatter.writeLine !== undefined) formatter.writeLine(event, out);
          else out.writeText(formatter.format(event));
          ends.push(out.length);
          held.push(event);
        } catch (error) {
          if (!(error instanceof FormatError)) throw error;
          unformatted.push(event);
          failures.push(error);
        }
      }
      failed(unformatted);
      reportFormatFailures(failures);
      if (out.length >= FLUSH_BYTES) return bounded(flush());
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await bounded(flush());
      clearInterval(watch);
      options.shutdown?.removeEventListener("abort", startWatch);
      output.close();
    },
  };

  const destination = sinkDestination(name, sink, ledger);
  const reopenOutput = output.reopen;
  if (reopenOutput === undefined) return destination;
  const reopen = (): Promise<boolean> => {
    flush();
    let reopened = false;
    writing = writing.then(() => {
      if (abandoned || closed) return;
      try {
        if (reopenOutput()) addHeader();
        reopened = true;
      } catch (error) {
        const reason = (error as Error).message;
        warn(
          `destination ${name}: cannot reopen ${path}: ${reason}; still writing to the file opened before`,
        );
      }
    });
    return bounded(writing).then(() => reopened);
  };
  return { ...destination, reopen };
}

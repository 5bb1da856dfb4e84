/**
 * The `file` destination: formatted events, one a line, to stdout, stderr or a path.
 *
 * Lines are gathered and written in large chunks; a timer flushes at least every
 * second so a quiet stream still shows its events promptly, and close flushes the rest.
 *
 * @module
 */

import { dirname } from "node:path";
import type { Event } from "../events/event.ts";
import { formatBatch, formatFailureReporter, type Formatter } from "../format/format.ts";
import { type BatchSink, type Destination, newMetrics, sinkDestination } from "./destination.ts";

/** How often buffered lines are written out even when the buffer is not full. */
export const FLUSH_INTERVAL_MS = 1000;
const FLUSH_BYTES = 256 * 1024;

/** Options of {@link createFileDestination}. */
export interface FileDestinationOptions {
  /** `stdout`, `stderr` or a filesystem path (truncated on open, parent folders created). */
  path: string;
  formatter: Formatter;
  /** Reports a write failure (once per failure streak) so it is not silent. */
  warn?: (line: string) => void;
}

interface Output {
  write(bytes: Uint8Array): Promise<number>;
  close(): void;
}

function openOutput(path: string): Output {
  // Deno grants /dev/std* only with --allow-all; they are the same streams anyway.
  if (path === "stdout" || path === "/dev/stdout") {
    return { write: (b) => Deno.stdout.write(b), close: () => {} };
  }
  if (path === "stderr" || path === "/dev/stderr") {
    return { write: (b) => Deno.stderr.write(b), close: () => {} };
  }
  const options = { write: true, create: true, truncate: true };
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, options);
  } catch (error) {
    // Create the folders only when they are missing: touching /dev needs --allow-all in Deno.
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    Deno.mkdirSync(dirname(path), { recursive: true });
    file = Deno.openSync(path, options);
  }
  return { write: (b) => file.write(b), close: () => file.close() };
}

async function writeAll(output: Output, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await output.write(bytes.subarray(offset));
}

/** Opens the file (creating its folders) and returns the destination writing to it. */
export function createFileDestination(name: string, options: FileDestinationOptions): Destination {
  const metrics = newMetrics();
  const output = openOutput(options.path);
  const { formatter } = options;
  const encoder = new TextEncoder();
  let lines: string[] = formatter.header === undefined ? [] : [formatter.header];
  let bytes = 0;
  let events = 0;
  let failing = false;
  let readerGone: Error | undefined;
  let writing: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    if (lines.length === 0) return writing;
    const text = lines.join("\n") + "\n";
    const count = events;
    lines = [];
    bytes = 0;
    events = 0;
    writing = writing.then(() => writeAll(output, encoder.encode(text))).then(
      () => {
        metrics.delivered += count;
        failing = false;
      },
      (error) => {
        metrics.failed += count;
        if (error instanceof Deno.errors.BrokenPipe) {
          readerGone ??= new Error(
            `destination ${name}: the reader of ${options.path} has gone (broken pipe)`,
          );
          return;
        }
        if (!failing) {
          options.warn?.(`destination ${name}: write to ${options.path} failed: ${error.message}`);
        }
        failing = true;
      },
    );
    return writing;
  };

  const reportFormatFailures = formatFailureReporter(name, (line) => options.warn?.(line));
  const timer = setInterval(flush, FLUSH_INTERVAL_MS);
  Deno.unrefTimer(timer);

  const sink: BatchSink = {
    write(batch: Event[]) {
      // Nobody will ever read what comes next (`sluice | head`): end the run, as SIGPIPE would.
      if (readerGone !== undefined) {
        metrics.failed += batch.length;
        throw readerGone;
      }
      const formatted = formatBatch(formatter, batch);
      metrics.failed += formatted.failures.length;
      reportFormatFailures(formatted.failures);
      for (const line of formatted.lines) {
        lines.push(line);
        bytes += line.length + 1;
      }
      events += formatted.lines.length;
      if (bytes >= FLUSH_BYTES) return flush();
    },
    async close() {
      clearInterval(timer);
      await flush();
      output.close();
    },
  };
  return sinkDestination(name, sink, metrics);
}

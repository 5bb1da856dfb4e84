/**
 * A byte stream -> its lines, one batch of lines per chunk read, with a bound on how long a
 * line may be. A line longer than the bound is never held whole: its bytes are counted and
 * dropped until its newline, so a 100 MB line costs no more memory than a short one.
 *
 * @module
 */

/**
 * The lines of one chunk read, numbered from `first`: each line's text or, for a line too long
 * to keep, its length in bytes. No object per line: a replay reads millions of them.
 */
export interface Lines {
  /** The number of `lines[0]` in the input, counting from 1. */
  first: number;
  /** Texts, and the byte lengths of the lines that were too long. */
  lines: (string | number)[];
}

/** Options of {@link readLines}. */
export interface LineReaderOptions {
  /** The longest line kept, in bytes without its newline. */
  maxLineBytes: number;
  /** Aborting it ends the lines at once (a read in progress is cancelled). */
  signal?: AbortSignal;
}

const NEWLINE = 0x0a;

/** Yields the lines of `input` (split at `\n`; a last line without one counts), one {@link Lines} per chunk. */
export async function* readLines(
  input: ReadableStream<Uint8Array>,
  options: LineReaderOptions,
): AsyncGenerator<Lines> {
  const decoder = new TextDecoder();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let skipping = false;
  let number = 0;

  const finish = (tail: Uint8Array): string | number => {
    number++;
    const size = pendingBytes + tail.length;
    if (skipping || size > options.maxLineBytes) {
      pending = [];
      pendingBytes = 0;
      skipping = false;
      return size;
    }
    let bytes = tail;
    if (pending.length > 0) {
      bytes = new Uint8Array(size);
      let offset = 0;
      for (const piece of [...pending, tail]) {
        bytes.set(piece, offset);
        offset += piece.length;
      }
      pending = [];
      pendingBytes = 0;
    }
    return decoder.decode(bytes);
  };

  const keep = (piece: Uint8Array) => {
    pendingBytes += piece.length;
    if (skipping || pendingBytes > options.maxLineBytes) {
      skipping = true;
      pending = [];
    } else {
      // The reader may reuse its buffer: keep a copy.
      pending.push(piece.slice());
    }
  };

  const reader = input.getReader();
  const cancel = () => reader.cancel().catch(() => {});
  options.signal?.addEventListener("abort", cancel);
  try {
    while (!options.signal?.aborted) {
      const { value, done } = await reader.read();
      if (done) break;
      const first = value.indexOf(NEWLINE);
      if (first < 0) {
        keep(value);
        continue;
      }
      const chunk: Lines = { first: number + 1, lines: [finish(value.subarray(0, first))] };
      const last = value.lastIndexOf(NEWLINE);
      if (last > first) {
        const body = value.subarray(first + 1, last);
        // No line can be too long in a body shorter than the bound: decode it at once.
        if (body.length <= options.maxLineBytes) {
          const texts = decoder.decode(body).split("\n");
          number += texts.length;
          chunk.lines = chunk.lines.concat(texts);
        } else {
          let start = 0;
          let end: number;
          while ((end = body.indexOf(NEWLINE, start)) >= 0) {
            chunk.lines.push(finish(body.subarray(start, end)));
            start = end + 1;
          }
          chunk.lines.push(finish(body.subarray(start)));
        }
      }
      if (last + 1 < value.length) keep(value.subarray(last + 1));
      yield chunk;
    }
    if (pendingBytes > 0 && !options.signal?.aborted) {
      yield { first: number + 1, lines: [finish(new Uint8Array(0))] };
    }
  } finally {
    options.signal?.removeEventListener("abort", cancel);
    await cancel();
    reader.releaseLock();
  }
}

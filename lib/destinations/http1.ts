/**
 * A small HTTP/1.1 client for the webhook: POST a body, read the answer, keep the connection.
 *
 * Why not fetch: Deno's fetch (and node:http) silently send a request again when a reused
 * connection closes before the answer, even after the peer read the request. A resend sluice
 * cannot see is a duplicate it cannot count. Here every request is written once, and a
 * failure says whether the request may have reached the peer.
 *
 * An idle connection keeps a read pending, so one the peer closed while idle is dropped before
 * it is reused rather than taking a request down with it.
 *
 * @module
 */

/** How long a connection may stay idle in the pool before it is closed. */
export const IDLE_MS = 4_000;
/** The longest status line plus headers accepted. */
const MAX_HEAD = 64 * 1024;
const CRLF_CRLF = [13, 10, 13, 10];

/** The answer to one request; the body has been read and discarded. */
export interface Answer {
  status: number;
  statusText: string;
  headers: Headers;
}

/** A request that got no answer. `sent`: some of it was written, so the peer may have it. */
export class RequestError extends Error {
  /** Some of the request was written: the peer may have received and acted on it. */
  readonly sent: boolean;
  /** Builds the error. */
  constructor(message: string, sent: boolean, options?: ErrorOptions) {
    super(message, options);
    this.name = "RequestError";
    this.sent = sent;
  }
}

/** Options of {@link Http1Client.post}. */
export interface PostOptions {
  /** The whole request, connecting included, must be answered within this. */
  timeoutMs: number;
  /** Aborts the request at once. */
  signal: AbortSignal;
}

/** Options of {@link Http1Client}. */
export interface Http1Options {
  /** PEM certificates trusted for `https` instead of the default roots. */
  caCerts?: string[];
  /** @default {IDLE_MS} */
  idleMs?: number;
}

/** One kept-alive connection and the bytes read past the last answer. */
class Connection {
  #buffer = new Uint8Array(16 * 1024);
  #start = 0;
  #end = 0;
  /** A read started while idle; the next answer begins with its result. */
  #pending: Promise<number | null> | undefined;
  idleSince = 0;
  closed = false;

  constructor(readonly conn: Deno.Conn) {}

  /** Starts watching an idle connection; `onClose` runs if the peer closes (or talks) while idle. */
  watch(onClose: () => void): void {
    this.idleSince = performance.now();
    this.#compact();
    const pending = this.conn.read(this.#buffer.subarray(this.#end)).catch(() => null);
    this.#pending = pending;
    pending.then((n) => {
      if (this.#pending === pending && (n === null || n > 0)) onClose();
    });
  }

  /** Takes the connection out of the pool for a request. */
  take(): void {
    this.idleSince = 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.conn.close();
    } catch {
      // Already closed by the peer.
    }
  }

  async #fill(): Promise<boolean> {
    this.#compact();
    if (this.#end === this.#buffer.length) {
      const bigger = new Uint8Array(this.#buffer.length * 2);
      bigger.set(this.#buffer);
      this.#buffer = bigger;
    }
    const pending = this.#pending;
    this.#pending = undefined;
    const n = pending !== undefined ? await pending : await this.conn.read(this.#buffer.subarray(this.#end));
    if (n === null || n === 0) return false;
    this.#end += n;
    return true;
  }

  #compact(): void {
    if (this.#start === 0) return;
    this.#buffer.copyWithin(0, this.#start, this.#end);
    this.#end -= this.#start;
    this.#start = 0;
  }

  /** Reads up to and including the next CRLFCRLF; returns the text before it (undefined: closed first). */
  async head(): Promise<string | undefined> {
    for (;;) {
      const at = indexOf(this.#buffer, CRLF_CRLF, this.#start, this.#end);
      if (at >= 0) {
        const text = new TextDecoder().decode(this.#buffer.subarray(this.#start, at));
        this.#start = at + 4;
        return text;
      }
      if (this.#end - this.#start > MAX_HEAD) throw new Error(`answer head longer than ${MAX_HEAD} bytes`);
      if (!await this.#fill()) return undefined;
    }
  }

  /** Reads one CRLF-terminated line (chunk sizes and trailers). */
  async line(): Promise<string> {
    for (;;) {
      const at = indexOf(this.#buffer, [13, 10], this.#start, this.#end);
      if (at >= 0) {
        const text = new TextDecoder().decode(this.#buffer.subarray(this.#start, at));
        this.#start = at + 2;
        return text;
      }
      if (this.#end - this.#start > MAX_HEAD) throw new Error("chunk line too long");
      if (!await this.#fill()) throw new Error("connection closed inside a chunked body");
    }
  }

  /** Reads and discards `count` bytes; -1: until the peer closes. */
  async skip(count: number): Promise<void> {
    let left = count;
    while (left !== 0) {
      if (this.#end === this.#start && !await this.#fill()) {
        if (count < 0) return;
        throw new Error("connection closed inside the body");
      }
      const take = left < 0 ? this.#end - this.#start : Math.min(left, this.#end - this.#start);
      this.#start += take;
      if (left > 0) left -= take;
    }
  }
}

function indexOf(bytes: Uint8Array, pattern: number[], from: number, end: number): number {
  outer: for (let i = from; i + pattern.length <= end; i++) {
    for (let j = 0; j < pattern.length; j++) if (bytes[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}

function parseHead(text: string): { answer: Answer; version: string } {
  const [statusLine, ...lines] = text.split("\r\n");
  const match = /^HTTP\/(1\.[01]) (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!match) throw new Error(`not an HTTP/1.x answer: "${statusLine.slice(0, 80)}"`);
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return { answer: { status: Number(match[2]), statusText: match[3] ?? "", headers }, version: match[1] };
}

/** Reads one answer's body; says whether the connection can carry another request. */
async function readBody(connection: Connection, answer: Answer, version: string): Promise<boolean> {
  const { status, headers } = answer;
  const keep = version === "1.1"
    ? headers.get("connection")?.toLowerCase() !== "close"
    : headers.get("connection")?.toLowerCase() === "keep-alive";
  if (status === 204 || status === 304) return keep;
  if (headers.get("transfer-encoding")?.toLowerCase().includes("chunked")) {
    for (;;) {
      const size = parseInt(await connection.line(), 16);
      if (Number.isNaN(size)) throw new Error("bad chunk size");
      if (size === 0) break;
      await connection.skip(size + 2);
    }
    while (await connection.line() !== "");
    return keep;
  }
  const length = headers.get("content-length");
  if (length !== null) {
    await connection.skip(Number(length));
    return keep;
  }
  await connection.skip(-1);
  return false;
}

/** POSTs to one origin over kept-alive HTTP/1.1 connections (plain or TLS). */
export class Http1Client {
  readonly #url: URL;
  readonly #options: Http1Options;
  readonly #idle: Connection[] = [];
  readonly #open = new Set<Connection>();
  readonly #target: string;
  readonly #host: string;

  /** `url`: where every request goes (scheme, host, port, path and query). */
  constructor(url: URL, options: Http1Options = {}) {
    this.#url = url;
    this.#options = options;
    this.#target = url.pathname + url.search;
    this.#host = url.host;
  }

  /** Connects, or rejects when `signal` aborts first (a connection that comes later is closed). */
  async #connect(signal: AbortSignal): Promise<Connection> {
    const hostname = this.#url.hostname.replace(/^\[(.*)\]$/, "$1");
    const https = this.#url.protocol === "https:";
    const port = Number(this.#url.port || (https ? 443 : 80));
    const connecting: Promise<Deno.Conn> = https
      ? Deno.connectTls({ hostname, port, caCerts: this.#options.caCerts })
      : Deno.connect({ hostname, port });
    const aborted = Promise.withResolvers<never>();
    const fail = () => aborted.reject(new Error(`no connection to ${this.#url.host} before the timeout`));
    signal.addEventListener("abort", fail, { once: true });
    try {
      const conn = await Promise.race([connecting, aborted.promise]);
      if (!https) (conn as Deno.TcpConn).setNoDelay(true);
      return new Connection(conn);
    } catch (error) {
      connecting.then((late) => late.close(), () => {});
      throw error;
    } finally {
      signal.removeEventListener("abort", fail);
    }
  }

  #reusable(): Connection | undefined {
    const idleMs = this.#options.idleMs ?? IDLE_MS;
    for (let c = this.#idle.pop(); c !== undefined; c = this.#idle.pop()) {
      if (!c.closed && performance.now() - c.idleSince < idleMs) return c;
      this.#drop(c);
    }
    return undefined;
  }

  #drop(connection: Connection): void {
    connection.close();
    this.#open.delete(connection);
    const at = this.#idle.indexOf(connection);
    if (at >= 0) this.#idle.splice(at, 1);
  }

  #release(connection: Connection): void {
    this.#idle.push(connection);
    connection.watch(() => this.#drop(connection));
  }

  /** Sends one POST with `body` and `headers`; rejects with {@link RequestError}. */
  async post(body: Uint8Array, headers: Record<string, string>, options: PostOptions): Promise<Answer> {
    if (options.signal.aborted) throw new RequestError("aborted before sending", false);
    // One controller per request, with a timer cleared at the end: nothing outlives the request.
    const controller = new AbortController();
    const { signal } = controller;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    const stop = () => controller.abort();
    options.signal.addEventListener("abort", stop, { once: true });
    try {
      return await this.#post(body, headers, signal);
    } catch (error) {
      if (!timedOut) throw error;
      const sent = error instanceof RequestError && error.sent;
      throw new RequestError(`no answer within ${options.timeoutMs} ms`, sent, { cause: error });
    } finally {
      clearTimeout(timer);
      options.signal.removeEventListener("abort", stop);
    }
  }

  async #post(body: Uint8Array, headers: Record<string, string>, signal: AbortSignal): Promise<Answer> {
    let connection = this.#reusable();
    if (connection === undefined) {
      try {
        connection = await this.#connect(signal);
      } catch (error) {
        throw new RequestError((error as Error).message, false, { cause: error });
      }
      this.#open.add(connection);
    }
    connection.take();
    const current = connection;
    const abort = () => this.#drop(current);
    signal.addEventListener("abort", abort, { once: true });
    let sent = false;
    try {
      const lines = [
        `POST ${this.#target} HTTP/1.1`,
        `host: ${this.#host}`,
        `content-length: ${body.length}`,
      ];
      for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
      const head = new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n");
      const request = new Uint8Array(head.length + body.length);
      request.set(head);
      request.set(body, head.length);
      sent = true;
      for (let written = 0; written < request.length;) {
        written += await current.conn.write(request.subarray(written));
      }
      for (;;) {
        const text = await current.head();
        if (text === undefined) throw new Error("connection closed before an answer");
        const { answer, version } = parseHead(text);
        if (answer.status >= 100 && answer.status < 200) continue;
        // Once the status is in, the peer has decided: a body cut short only costs the connection.
        const keep = await readBody(current, answer, version).catch(() => false);
        if (keep && !signal.aborted) this.#release(current);
        else this.#drop(current);
        return answer;
      }
    } catch (error) {
      this.#drop(current);
      const message = signal.aborted ? "aborted" : (error as Error).message;
      throw new RequestError(message, sent, { cause: error });
    } finally {
      signal.removeEventListener("abort", abort);
    }
  }

  /** Closes every connection. */
  close(): void {
    for (const connection of [...this.#open]) this.#drop(connection);
  }
}

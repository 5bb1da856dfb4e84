/**
 * The `--server` flag in Tracee's forms: `http-address=HOST:PORT`, `metrics`, `healthz`.
 * Tracee's `grpc`, `grpc-address=`, `pprof` and `pyroscope` are refused by name.
 *
 * @module
 */

/** The HTTP server sluice runs for Prometheus and health checks. */
export interface ServerSettings {
  /** The address to listen on (`0.0.0.0` when the flag gave only `:PORT`). */
  hostname: string;
  /** 0 picks a free port (printed at start). */
  port: number;
  /** Serve Prometheus text on `/metrics`. */
  metrics: boolean;
  /** Serve `/healthz`. */
  healthz: boolean;
}

/** Tracee's default: loopback only. */
export const DEFAULT_HTTP_ADDRESS = "127.0.0.1:3366";

const UNSUPPORTED = new Set(["grpc", "grpc-address", "pprof", "pyroscope"]);

/** `HOST:PORT`, `[V6]:PORT` or `:PORT` as Go's net.SplitHostPort reads them; a problem line otherwise. */
export function parseHttpAddress(address: string): { hostname: string; port: number } | string {
  const match = /^(?:\[([^\]]*)\]|([^:[\]]*)):([^:]*)$/.exec(address);
  if (match === null) return `--server http-address=${address}: expected HOST:PORT, e.g. 127.0.0.1:3366`;
  const host = match[1] ?? match[2];
  if (host.length > 253 || /\s/.test(host)) return `--server http-address=${address}: invalid host "${host}"`;
  const portText = match[3];
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    return `--server http-address=${address}: port must be a number from 0 to 65535, got "${portText}"`;
  }
  return { hostname: host === "" ? "0.0.0.0" : host, port };
}

/**
 * Reads every `--server` value; `undefined` settings when none is given (no server), with one
 * problem line per bad value.
 */
export function parseServerFlags(
  values: readonly string[],
): { settings: ServerSettings | undefined; problems: string[] } {
  const problems: string[] = [];
  let address: { hostname: string; port: number } | undefined;
  let metrics = false;
  let healthz = false;
  for (const value of values) {
    const equals = value.indexOf("=");
    const key = equals < 0 ? value : value.slice(0, equals);
    if (UNSUPPORTED.has(key)) {
      problems.push(
        `--server ${value}: Tracee's ${key} is not supported by sluice (it serves metrics and healthz)`,
      );
    } else if (key === "http-address" && equals >= 0) {
      const parsed = parseHttpAddress(value.slice(equals + 1));
      if (typeof parsed === "string") problems.push(parsed);
      else address = parsed;
    } else if (value === "metrics") metrics = true;
    else if (value === "healthz") healthz = true;
    else {
      problems.push(`--server: expected http-address=HOST:PORT, metrics or healthz, got "${value}"`);
    }
  }
  if (address !== undefined && !metrics && !healthz) {
    problems.push("--server http-address: nothing to serve: add --server metrics or --server healthz");
  }
  if (problems.length > 0 || (!metrics && !healthz)) return { settings: undefined, problems };
  address ??= parseHttpAddress(DEFAULT_HTTP_ADDRESS) as { hostname: string; port: number };
  return { settings: { ...address, metrics, healthz }, problems };
}

/**
 * Go's `time.ParseDuration`, as Tracee reads the `timeout` and `connectionTimeout` URL parameters.
 *
 * @module
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  "μs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

/**
 * Parses a Go duration (`5s`, `100ms`, `1m30s`, `-1.5h`, `0`) into milliseconds.
 * Throws an Error naming the text when it is not one.
 */
export function parseGoDuration(text: string): number {
  let rest = text;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    sign = rest.startsWith("-") ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") {
    throw new Error(`invalid duration "${text}": expected a number and a unit, e.g. 5s or 100ms`);
  }
  let total = 0;
  while (rest !== "") {
    const match = PART.exec(rest);
    if (match === null) {
      throw new Error(
        `invalid duration "${text}": expected numbers with units ns, us, ms, s, m or h, e.g. 5s or 1m30s`,
      );
    }
    total += Number(match[1]) * UNIT_MS[match[2]];
    rest = rest.slice(match[0].length);
  }
  return sign * total;
}

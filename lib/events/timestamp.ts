/**
 * Event times as Tracee prints them: Go's RFC 3339 with nanoseconds (`time.RFC3339Nano`), UTC,
 * trailing zeros of the fraction trimmed (and the dot with them when nothing is left).
 *
 * @module
 */

/** `.` and the zeros that can lead a fraction's digits, by how many. */
const LEADS = [".", ".0", ".00", ".000", ".0000", ".00000", ".000000", ".0000000", ".00000000"];

/** Go's RFC3339Nano fraction: `.5` for 500 ms, nothing for a whole second. */
function fraction(nsec: number): string {
  if (nsec === 0) return "";
  // Trailing zeros are trimmed by dividing them away, so only the result is a string.
  let digits = 9;
  while (nsec % 10 === 0) {
    nsec /= 10;
    digits--;
  }
  const text = String(nsec);
  return LEADS[digits - text.length] + text;
}

/**
 * A formatter of CLOCK_MONOTONIC readings as wall-clock text, given wall clock minus monotonic as
 * [seconds, nanoseconds]; caches the text of the last second it formatted.
 *
 * @example
 * ```ts
 * timeFormatter([1_700_000_000, 0])(0, 120_000_000); // "2023-11-14T22:13:20.12Z"
 * ```
 */
export function timeFormatter(
  [offsetSec, offsetNsec]: [number, number],
): (monoSec: number, monoNsec: number) => string {
  let cachedSecond = -1;
  let cachedPrefix = "";
  return (monoSec, monoNsec) => {
    let sec = monoSec + offsetSec;
    let nsec = monoNsec + offsetNsec;
    if (nsec >= 1_000_000_000) {
      nsec -= 1_000_000_000;
      sec += 1;
    }
    if (sec !== cachedSecond) {
      cachedSecond = sec;
      cachedPrefix = new Date(sec * 1000).toISOString().slice(0, 19);
    }
    return `${cachedPrefix}${fraction(nsec)}Z`;
  };
}

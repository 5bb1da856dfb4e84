/**
 * A float64 as Go's `strconv.FormatFloat(n, 'g', -1, 64)` writes it, which is how Tracee's event
 * JSON writes a timespec: the shortest digits that read back as `n`, in exponent form when the
 * decimal exponent is below -4 or at least 6 (`1.7e+09`, `1e-05`), the exponent at least two digits.
 *
 * @module
 */

/** Go's shortest `%g` text of `n`. */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : "-Inf";
  if (n === 0) return Object.is(n, -0) ? "-0" : "0";
  // toExponential() without digits gives the shortest digits that read back as n, as Go's do.
  const [mantissa, exponent] = n.toExponential().split("e");
  const exp = Number(exponent);
  if (exp < -4 || exp >= 6) {
    return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  // Between 1e-4 and 1e6 JavaScript writes the same digits without an exponent, as Go does.
  return String(n);
}

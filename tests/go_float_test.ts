import assert from "node:assert/strict";
import { goFloat } from "../lib/format/go_float.ts";

Deno.test("goFloat writes a float64 as Go's strconv.FormatFloat(n, 'g', -1, 64)", () => {
  const cases: [number, string][] = [
    [0, "0"],
    [-0, "-0"],
    [1, "1"],
    [0.000001, "1e-06"],
    [0.00001, "1e-05"],
    [0.0001, "0.0001"],
    [0.5, "0.5"],
    [123456, "123456"],
    [999999.5, "999999.5"],
    [1000000, "1e+06"],
    [1234567, "1.234567e+06"],
    [1.7e9, "1.7e+09"],
    [1700000000.123456789, "1.7000000001234567e+09"],
    [-2.5e-7, "-2.5e-07"],
    [1e21, "1e+21"],
    [1.5e300, "1.5e+300"],
    [5e-324, "5e-324"],
    [NaN, "NaN"],
    [Infinity, "+Inf"],
    [-Infinity, "-Inf"],
  ];
  for (const [n, text] of cases) assert.equal(goFloat(n), text, String(n));
});

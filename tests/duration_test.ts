import assert from "node:assert/strict";
import { parseGoDuration } from "../lib/config/duration.ts";

Deno.test("parseGoDuration reads Go durations into milliseconds", () => {
  assert.equal(parseGoDuration("5s"), 5000);
  assert.equal(parseGoDuration("100ms"), 100);
  assert.equal(parseGoDuration("1m30s"), 90_000);
  assert.equal(parseGoDuration("1.5h"), 5_400_000);
  assert.equal(parseGoDuration("2h45m10.5s"), 9_910_500);
  assert.equal(parseGoDuration("250us"), 0.25);
  assert.equal(parseGoDuration("500µs"), 0.5);
  assert.equal(parseGoDuration("1000000ns"), 1);
  assert.equal(parseGoDuration("0"), 0);
  assert.equal(parseGoDuration("-2s"), -2000);
  assert.equal(parseGoDuration("+.5s"), 500);
});

Deno.test("parseGoDuration rejects what Go rejects", () => {
  for (const text of ["", "5", "s", "5x", "1m30", "five seconds", "-", "5 s", "1..5s", "10S"]) {
    assert.throws(
      () => parseGoDuration(text),
      new RegExp(`invalid duration "${text.replace(".", "\\.")}`),
      text,
    );
  }
});

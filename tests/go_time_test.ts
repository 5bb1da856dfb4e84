// Go's time layouts and durations as sluice's templates implement them.
import assert from "node:assert/strict";
import { formatDuration, formatGoTime, GoTime, parseDuration, parseRfc3339 } from "../lib/format/go_time.ts";
import { parseGoTime } from "../lib/format/go_time_parse.ts";

const t = parseRfc3339("2006-01-02T15:04:05.123456789Z")!;

Deno.test("Go layouts: the reference time's elements", () => {
  assert.equal(formatGoTime(t, "2006-01-02T15:04:05Z07:00"), "2006-01-02T15:04:05Z");
  assert.equal(formatGoTime(t, "Mon Jan _2 3:04PM"), "Mon Jan  2 3:04PM");
  assert.equal(
    formatGoTime(t, "Monday, January 2 06 .000 .999999999"),
    "Monday, January 2 06 .123 .123456789",
  );
  assert.equal(formatGoTime(t, "15:04:05.000000"), "15:04:05.123456");
  assert.equal(formatGoTime(t, "002 pm -0700 MST"), "002 pm +0000 UTC");
  assert.equal(formatGoTime(new GoTime(t.ns, "Asia/Kolkata"), "15:04 -07:00 Z07:00"), "20:34 +05:30 +05:30");
  assert.equal(String(t), "2006-01-02 15:04:05.123456789 +0000 UTC");
  assert.equal(String(parseRfc3339("2006-01-02T15:04:05Z")), "2006-01-02 15:04:05 +0000 UTC");
});

Deno.test("Go durations: printed and parsed", () => {
  assert.equal(formatDuration(0n), "0s");
  assert.equal(formatDuration(95_000_000_000n), "1m35s");
  assert.equal(formatDuration(3_600_000_000_000n), "1h0m0s");
  assert.equal(formatDuration(1_500_000n), "1.5ms");
  assert.equal(formatDuration(-2_500_000_000n), "-2.5s");
  assert.equal(parseDuration("1h30m"), 5_400_000_000_000n);
  assert.equal(parseDuration("-1.5s"), -1_500_000_000n);
  assert.equal(parseDuration("300ms"), 300_000_000n);
  assert.equal(parseDuration("1x"), undefined);
});

Deno.test("Go layouts parse what they print", () => {
  assert.equal(parseGoTime("2006-01-02 15:04:05", "2017-12-31 10:30:00")?.Unix(), 1514716200);
  assert.equal(parseGoTime("Jan 2, 2006 at 3:04pm (MST)", "Feb 3, 2013 at 7:54pm (UTC)")?.Unix(), 1359921240);
  assert.equal(
    parseGoTime("2006-01-02T15:04:05.000Z07:00", "2020-01-02T03:04:05.250+01:00")?.nanosecond(),
    250_000_000,
  );
  assert.equal(parseGoTime("2006-01-02", "not a date"), undefined);
});

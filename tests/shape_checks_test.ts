import assert from "node:assert/strict";
import {
  anyValue,
  int32,
  int64,
  kind,
  MAX_EVENT_DEPTH,
  oneKey,
  scalars,
  text,
  uint32,
  uint64,
} from "../lib/source/shape_checks.ts";

const nested = (depth: number): unknown => JSON.parse("[".repeat(depth) + "]".repeat(depth));

Deno.test("scalar checks name the type they wanted and what they got", () => {
  assert.equal(text("x"), undefined);
  assert.equal(text(1)?.message, "expected a string, got a number");
  assert.equal(int32(-(2 ** 31)), undefined);
  assert.equal(int32(2 ** 31)?.message, "expected an integer from -2147483648 to 2147483647, got 2147483648");
  assert.equal(uint32(-1)?.message, "expected an integer from 0 to 4294967295, got -1");
  assert.equal(uint32(0.5)?.message, "expected an integer from 0 to 4294967295, got 0.5");
  assert.equal(int64("-9223372036854775808"), undefined);
  assert.equal(int64(5)?.message, "expected a 64-bit integer as a decimal string, got a number");
  assert.equal(uint64("18446744073709551615"), undefined);
  assert.equal(
    uint64("-1")?.message,
    "expected an unsigned 64-bit integer as a decimal string, got a string",
  );
  assert.deepEqual([null, [], {}, true].map(kind), ["null", "a list", "an object", "a boolean"]);
});

Deno.test("a problem's path is built on the way back: list index, then key", () => {
  assert.deepEqual(scalars(["a", "b", 3], text)?.at, [2]);
  const pathOf = oneKey("value", (value) => scalars(value, text));
  assert.equal(pathOf({ value: ["a"], other: { any: [1] } }, 0), undefined);
  assert.deepEqual(pathOf({ value: ["a", null] }, 0)?.at, [1, "value"]);
  assert.equal(pathOf([], 0)?.message, "expected an object, got a list");
});

Deno.test("any value passes up to the depth bound and no further, counted from where it lies", () => {
  assert.equal(anyValue(nested(MAX_EVENT_DEPTH), 0), undefined);
  assert.equal(
    anyValue(nested(MAX_EVENT_DEPTH + 1), 0)?.message,
    `nested deeper than ${MAX_EVENT_DEPTH} levels`,
  );
  assert.equal(anyValue(nested(MAX_EVENT_DEPTH - 3), 3), undefined);
  assert.notEqual(anyValue(nested(MAX_EVENT_DEPTH - 2), 3), undefined);
  // Under a oneKey object, other keys are any JSON one level further down.
  const deep = { extra: nested(MAX_EVENT_DEPTH) };
  assert.equal(oneKey("x", text)(deep, 0)?.at.at(-1), "extra");
});

// Filter expressions and value matchers on their own.
import assert from "node:assert/strict";
import {
  canonicalInteger,
  compareIntegers,
  parseExpression,
  StringMatcher,
} from "../lib/policy/expression.ts";
import { NumberMatcher } from "../lib/policy/number_match.ts";

Deno.test("expressions split at the first operator; values are comma lists", () => {
  assert.deepEqual(parseExpression("pid>=1000"), { name: "pid", op: ">=", values: ["1000"] });
  assert.deepEqual(parseExpression("comm!=a,b"), { name: "comm", op: "!=", values: ["a", "b"] });
  assert.deepEqual(parseExpression("data.pathname=/a=b"), {
    name: "data.pathname",
    op: "=",
    values: ["/a=b"],
  });
  assert.equal(parseExpression("comm"), "not a NAME<op>VALUE expression (operators: = != < > <= >=)");
  assert.equal(parseExpression("=x"), "no field name before the operator");
  assert.equal(parseExpression("pid!1"), '"!" is not an operator (use = != < > <= >=)');
  assert.equal(parseExpression("pid>="), 'no value after ">="');
  assert.equal(parseExpression("comm=a,,b"), "an empty value in the comma list");
});

Deno.test("doubled operators and whitespace around names and values are refused, as in Tracee", () => {
  assert.equal(parseExpression("comm==x"), '"==" is not an operator (use = != < > <= >=)');
  assert.equal(
    parseExpression("data.pathname=!/etc/*"),
    '"=!" is not an operator (use = != < > <= >=)',
  );
  assert.equal(parseExpression("pid<>1"), '"<>" is not an operator (use = != < > <= >=)');
  assert.equal(parseExpression("comm= x"), 'remove the whitespace around the value " x"');
  assert.equal(parseExpression("comm=x\t"), 'remove the whitespace around the value "x\t"');
  assert.equal(parseExpression("comm=a, b"), 'remove the whitespace around the value " b"');
  assert.equal(parseExpression("comm =x"), 'remove the whitespace around the name "comm "');
  // An operator character later in the value is part of the value.
  assert.deepEqual(parseExpression("comm=a!=b"), { name: "comm", op: "=", values: ["a!=b"] });
});

Deno.test("number matchers refuse values their field's type cannot hold", () => {
  assert.equal(
    new NumberMatcher("u_int32").add("=", ["-1"]),
    "-1 is out of range for u_int32 (0 to 4294967295)",
  );
  assert.equal(
    new NumberMatcher("u_int32").add("=", ["4294967296"]),
    "4294967296 is out of range for u_int32 (0 to 4294967295)",
  );
  assert.equal(new NumberMatcher("u_int32").add("=", ["4294967295"]), undefined);
  assert.equal(
    new NumberMatcher("int32").add("!=", ["2147483648"]),
    "2147483648 is out of range for int32 (-2147483648 to 2147483647)",
  );
  assert.equal(
    new NumberMatcher("int64").add("=", ["99999999999999999999"]),
    "99999999999999999999 is out of range for int64 (-9223372036854775808 to 9223372036854775807)",
  );
  assert.equal(new NumberMatcher("u_int64").add("=", ["18446744073709551615"]), undefined);
  assert.equal(
    new NumberMatcher("u_int32").add("<", ["0"]),
    '"<0" selects nothing: u_int32 has no value below 0',
  );
  assert.equal(new NumberMatcher("u_int32").add("<=", ["0"]), undefined);
});

Deno.test("integers: canonical text and exact comparison beyond 2^53", () => {
  assert.equal(canonicalInteger("+007"), "7");
  assert.equal(canonicalInteger("-0"), "0");
  assert.equal(canonicalInteger("-012"), "-12");
  assert.equal(canonicalInteger("1e3"), undefined);
  assert.equal(canonicalInteger("0x10"), undefined);
  assert(compareIntegers("18446744073709551615", "18446744073709551614") > 0);
  assert(compareIntegers("-9223372036854775808", "-9223372036854775807") < 0);
  assert(compareIntegers("-1", "0") < 0);
  assert(compareIntegers("99", "100") < 0);
  assert.equal(compareIntegers("42", "42"), 0);
});

Deno.test("number matcher: numbers and long decimal strings agree", () => {
  const m = new NumberMatcher();
  assert.equal(m.add(">", ["9007199254740993"]), undefined);
  const test = m.test();
  // 2^53 + 1 and 2^53 + 2 are the same double; as text they stay apart.
  assert.equal(test("9007199254740993"), false);
  assert.equal(test("9007199254740994"), true);
  assert.equal(test(5), false);
  assert.equal(m.add("=", ["x"]), '"x" is not an integer');
});

Deno.test("string matcher: lone * is refused, ordering operators too", () => {
  assert.equal(new StringMatcher().add("=", ["*"]), '"*" alone is not a valid pattern');
  assert.equal(new StringMatcher().add("<", ["a"]), 'operator "<" does not apply to text; use = or !=');
  const many = new StringMatcher();
  many.add("=", Array.from({ length: 20 }, (_, i) => `c${i}`));
  const test = many.test();
  assert.equal(test("c19"), true);
  assert.equal(test("c20"), false);
  assert(many.exactOnly);
});

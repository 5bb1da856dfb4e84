import assert from "node:assert/strict";
import { redact } from "../lib/redact.ts";

Deno.test("redact: the password of user:pass@ in any URL of a line", () => {
  assert.equal(
    redact('destination hook: invalid URL "https://alice:s3cr3t@example.com/x"'),
    'destination hook: invalid URL "https://alice:***@example.com/x"',
  );
  assert.equal(
    redact("tcp://u:p%40ss@10.0.0.1:24224 and tls://v:w@h"),
    "tcp://u:***@10.0.0.1:24224 and tls://v:***@h",
  );
});

Deno.test("redact: secret query parameters and key=value pairs, whatever their case", () => {
  assert.equal(
    redact("http://h/p?token=abc&x=1&sharedKey=k1&API_KEY=z"),
    "http://h/p?token=***&x=1&sharedKey=***&API_KEY=***",
  );
  assert.equal(
    redact("url=http://h/?access_token=t1 password=hunter2"),
    "url=http://h/?access_token=*** password=***",
  );
});

Deno.test("redact: text without secrets is unchanged", () => {
  for (
    const text of ["stream a: matched 3", "data.pathname=/etc/passwd", "comm=bash uid>=1000", "user@host"]
  ) {
    assert.equal(redact(text), text);
  }
  assert.ok(redact("http://bob@h/").includes("bob@h"));
});

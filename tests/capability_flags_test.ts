import assert from "node:assert/strict";
import { capabilitySet } from "../lib/privileges/capabilities.ts";
import { parseCapabilityFlags } from "../lib/privileges/flags.ts";

Deno.test("--capabilities: Tracee's forms", () => {
  assert.deepEqual(parseCapabilityFlags([]), {
    settings: { bypass: false, add: 0n, drop: 0n },
    problems: [],
  });
  assert.equal(parseCapabilityFlags(["bypass=true"]).settings.bypass, true);
  assert.deepEqual(parseCapabilityFlags(["add=cap_kill,cap_syslog", "drop=cap_sys_ptrace"]).settings, {
    bypass: false,
    add: capabilitySet("kill", "syslog"),
    drop: capabilitySet("sys_ptrace"),
  });
  assert.deepEqual(parseCapabilityFlags(["add=cap_kill,cap_nope", "bypass=yes", "keep"]).problems, [
    '--capabilities add=cap_kill,cap_nope: unknown capability "cap_nope" (e.g. cap_sys_ptrace)',
    '--capabilities: expected bypass=true|false, add=CAPS or drop=CAPS, got "bypass=yes"',
    '--capabilities: expected bypass=true|false, add=CAPS or drop=CAPS, got "keep"',
  ]);
});

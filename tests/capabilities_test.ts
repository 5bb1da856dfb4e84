import assert from "node:assert/strict";
import {
  capabilityBit,
  capabilityNames,
  capabilitySet,
  statusCapabilities,
} from "../lib/privileges/capabilities.ts";

Deno.test("capabilities: names and numbers as capability.h has them", () => {
  assert.equal(capabilityBit("cap_sys_ptrace"), 1n << 19n);
  assert.equal(capabilityBit("SYS_PTRACE"), 1n << 19n);
  assert.equal(capabilityBit("CAP_BPF"), 1n << 39n);
  assert.equal(capabilityBit("perfmon"), 1n << 38n);
  assert.equal(capabilityBit("cap_nonsense"), undefined);
  assert.equal(capabilityNames(capabilitySet("bpf", "sys_ptrace")), "cap_sys_ptrace,cap_bpf");
  assert.equal(capabilityNames(0n), "none");
  assert.equal(capabilityNames(1n << 45n), "cap_45");
});

Deno.test("capabilities: the sets of a /proc status text", () => {
  const status = "Name:\tx\nCapInh:\t0000000000000000\nCapPrm:\t0000000000080000\n" +
    "CapEff:\t0000000000080000\nCapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n";
  const sets = statusCapabilities(status);
  assert.equal(sets.effective, capabilitySet("sys_ptrace"));
  assert.equal(sets.bounding, (1n << 41n) - 1n);
  assert.throws(() => statusCapabilities("Name:\tx\n"), /no CapEff line/);
});

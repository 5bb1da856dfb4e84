/**
 * The record contract, checked against the built object: every struct lib/bpf/layout.ts defines
 * (which the decoder reads offsets from) must be what clang laid out in bpf/build/sluice.bpf.o,
 * read back from the object's BTF with bpftool.
 */

import assert from "node:assert/strict";
import { STRUCTS } from "../lib/bpf/layout.ts";
import { recordHeader } from "../lib/bpf/header.ts";
import { OBJECT_PATH } from "../lib/source/bpf.ts";

interface BtfMember {
  name: string;
  bits_offset: number;
}

interface BtfType {
  kind: string;
  name?: string;
  size?: number;
  members?: BtfMember[];
}

async function objectTypes(): Promise<BtfType[]> {
  const output = await new Deno.Command("bpftool", { args: ["btf", "dump", "file", OBJECT_PATH, "-j"] })
    .output();
  if (!output.success) {
    throw new Error(`bpftool could not read ${OBJECT_PATH}: build it with deno task build:bpf`);
  }
  return JSON.parse(new TextDecoder().decode(output.stdout)).types;
}

Deno.test("layout: the object's BTF lays out every shared struct as lib/bpf/layout.ts does", async () => {
  const types = await objectTypes();
  for (const struct of STRUCTS) {
    const found = types.filter((t) => t.kind === "STRUCT" && t.name === struct.name);
    assert.equal(found.length, 1, `the object's BTF has ${found.length} struct ${struct.name}`);
    const [btf] = found;
    assert.equal(btf.size, struct.size, `sizeof(struct ${struct.name})`);
    assert.deepEqual(
      btf.members!.map((m) => [m.name, m.bits_offset / 8]),
      struct.members.map((m) => [m.name, m.offset]),
      `members of struct ${struct.name}`,
    );
  }
});

Deno.test("layout: the object was built from the header the layout generates now", async () => {
  const built = await Deno.readTextFile(new URL("../bpf/build/record.h", import.meta.url));
  assert.equal(built, recordHeader(), "bpf/build/record.h is stale: run deno task build:bpf");
});

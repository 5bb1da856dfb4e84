/**
 * The ring-buffer reader against a real BPF ring buffer: sluice's object loaded with only the
 * syscall programs, openat enabled, fed by the workload generator.
 */

import assert from "node:assert/strict";
import { bpfTest } from "./_bpf.ts";
import { buildWorkload, runWorkload } from "../bench/workload.ts";
import { openLibraries } from "../lib/bpf/libbpf.ts";
import { loadObject } from "../lib/bpf/loader.ts";
import { RingBufferReader } from "../lib/bpf/ringbuf.ts";
import { OBJECT_PATH } from "../lib/source/bpf.ts";
import { SETTINGS } from "../lib/bpf/layout.ts";
import { syscallDescriptor } from "../lib/bpf/syscall_table.ts";
import { eventByName } from "../lib/events/catalog.ts";
import { FieldCursor, HEADER } from "../lib/events/record.ts";

const PROGRAMS = ["sys_enter", "sys_exit"];
const OPENAT = 257;

function u32(value: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

/** Loads the object tracing openat, runs `body` with a reader, and closes everything. */
async function withReader(
  options: { maxRecords: number },
  body: (reader: RingBufferReader) => Promise<void>,
): Promise<void> {
  const { libc } = openLibraries();
  const object = loadObject(Deno.readFileSync(OBJECT_PATH) as Uint8Array<ArrayBuffer>, {
    programs: PROGRAMS,
  });
  let reader: RingBufferReader | undefined;
  try {
    object.update(object.map("syscalls"), u32(OPENAT), syscallDescriptor(eventByName("openat")!));
    object.update(object.map("syscall_gate"), u32(OPENAT), u32(1));
    const settings = new Uint8Array(SETTINGS.size);
    // Wake the reader only past 1 GiB: every wait below ends by its timeout or by a drain.
    new DataView(settings.buffer).setBigUint64(SETTINGS.offset.wakeup_bytes, 1n << 30n, true);
    object.update(object.map("settings"), u32(0), settings);
    reader = new RingBufferReader(libc, object.map("events").fd, options);
    object.attach(PROGRAMS, libc);
    await body(reader);
  } finally {
    reader?.close();
    object.close();
  }
}

/** Paths of the openat records the last drain of `reader` holds. */
function openedPaths(reader: RingBufferReader, count: number): string[] {
  const paths: string[] = [];
  const cursor = new FieldCursor();
  for (let i = 0; i < count; i++) {
    const start = reader.starts[i];
    assert.equal(reader.view.getUint32(start + HEADER.event_id, true), OPENAT);
    cursor.reset(reader.bytes, start, reader.lengths[i]);
    // The pathname is openat's second field.
    while (cursor.next()) {
      if (cursor.index === 1) {
        paths.push(new TextDecoder().decode(reader.bytes.subarray(cursor.at, cursor.at + cursor.length)));
      }
    }
  }
  return paths;
}

bpfTest("ringbuf: a drain stops at its record limit and the next drain resumes without a loss", async () => {
  await buildWorkload();
  const path = `/tmp/sluice-ringbuf-${crypto.randomUUID()}`;
  await withReader({ maxRecords: 100 }, async (reader) => {
    await runWorkload(["open", path, "250"]);
    const seen: string[] = [];
    for (let drains = 0; drains < 100; drains++) {
      const count = reader.drain();
      assert(count <= 100, `a drain returned ${count} records, over its limit`);
      if (count === 0) break;
      seen.push(...openedPaths(reader, count));
    }
    assert.equal(seen.filter((p) => p === path).length, 250);
  });
});

bpfTest(
  "ringbuf: a wait below the wakeup threshold ends by its timeout; the records are then drained",
  async () => {
    await withReader({ maxRecords: 4096 }, async (reader) => {
      reader.drain();
      const path = `/tmp/sluice-ringbuf-${crypto.randomUUID()}`;
      await runWorkload(["open", path, "3"]);
      // No wakeup comes (the threshold is far away), but the epoll fd is level-triggered on unread data.
      await reader.wait(30);
      assert.equal(openedPaths(reader, reader.drain()).filter((p) => p === path).length, 3);
    });
  },
);

bpfTest(
  "ringbuf: a map that is not a ring buffer is refused, its fd and size named",
  () => {
    const { libc } = openLibraries();
    const object = loadObject(Deno.readFileSync(OBJECT_PATH) as Uint8Array<ArrayBuffer>, {
      programs: PROGRAMS,
    });
    try {
      const settings = object.map("settings");
      assert.throws(
        () => new RingBufferReader(libc, settings.fd),
        new RegExp(`map fd ${settings.fd} is not a BPF ring buffer \\(max_entries 1\\)`),
      );
    } finally {
      object.close();
    }
    return Promise.resolve();
  },
);

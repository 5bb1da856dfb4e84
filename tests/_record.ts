// Writes kernel records in the layout of lib/bpf/layout.ts, for the decoder's tests.
import { FIELD_HEADER, RECORD_HEADER, WIRE, WIRE_CUT } from "../lib/bpf/layout.ts";

const text = new TextEncoder();

/** A record under construction: a header, then fields appended in order. */
export class RecordWriter {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  length = RECORD_HEADER.size;

  /**
   * A header with `members` (by RECORD_HEADER's names) over defaults, and `comm`; `capacity` bounds
   * the record's bytes (the default fits any record).
   */
  constructor(members: Record<string, number | bigint>, comm = "cat", options: { capacity?: number } = {}) {
    this.bytes = new Uint8Array(options.capacity ?? 70000);
    this.view = new DataView(this.bytes.buffer);
    const h: Record<string, number | bigint> = {
      ts_sec: 100,
      ts_nsec: 5,
      start_sec: 90,
      start_nsec: 999_999_999,
      cgroup_id: 1234n,
      syscall: 0xffffffff,
      ...members,
    };
    for (const member of RECORD_HEADER.members) {
      const value = h[member.name];
      if (value === undefined || member.name === "comm") continue;
      if (member.size === 8) this.view.setBigInt64(member.offset, BigInt(value), true);
      else this.view.setUint32(member.offset, Number(value) >>> 0, true);
    }
    this.bytes.set(text.encode(comm).subarray(0, 16), RECORD_HEADER.offset.comm);
  }

  /** A field with a raw payload; `cut` sets WIRE_CUT; `length` overrides the length written. */
  field(
    index: number,
    wire: number,
    payload: Uint8Array,
    options: { cut?: boolean; length?: number } = {},
  ): this {
    const at = this.length;
    this.bytes[at + FIELD_HEADER.offset.index] = index;
    this.bytes[at + FIELD_HEADER.offset.type] = wire | (options.cut ? WIRE_CUT : 0);
    this.view.setUint16(at + FIELD_HEADER.offset.len, options.length ?? payload.length, true);
    this.bytes.set(payload, at + FIELD_HEADER.size);
    this.length = at + FIELD_HEADER.size + payload.length;
    return this;
  }

  i32(index: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, value, true);
    return this.field(index, WIRE.I32, b);
  }

  u32(index: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value, true);
    return this.field(index, WIRE.U32, b);
  }

  u64(index: number, wire: number, value: bigint): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
    return this.field(index, wire, b);
  }

  bool(index: number, value: boolean): this {
    return this.field(index, WIRE.BOOL, new Uint8Array([value ? 1 : 0]));
  }

  str(index: number, value: string, cut = false): this {
    return this.field(index, WIRE.STR, text.encode(value), { cut });
  }

  strings(index: number, values: string[], cut = false): this {
    return this.field(index, WIRE.STR_ARRAY, text.encode(values.map((v) => v + "\0").join("")), { cut });
  }
}

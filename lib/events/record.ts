/**
 * The walk over one kernel record (layout in lib/bpf/layout.ts): its header's members and its
 * fields, without building anything. The decoder builds events from it; a direct-to-bytes writer
 * can walk the same fields.
 *
 * @module
 */

import { FIELD_HEADER, RECORD_HEADER, WIRE_CUT } from "../bpf/layout.ts";

/** Byte offsets of the record header's members. */
export const HEADER: Readonly<Record<string, number>> = RECORD_HEADER.offset;
/** Size of the record header. */
export const HEADER_BYTES: number = RECORD_HEADER.size;

/** A cursor over the fields of a record: call {@link FieldCursor.next} until it returns false. */
export class FieldCursor {
  /** The field's index in its event's definition (or EXE_FIELD). */
  index = 0;
  /** Its wire type, without the cut flag. */
  wire = 0;
  /** The value was cut at a bound, or could not be read whole. */
  cut = false;
  /** Where the payload starts. */
  at = 0;
  /** Payload bytes. */
  length = 0;
  #bytes: Uint8Array = new Uint8Array(0);
  #next = 0;
  #end = 0;

  /** Starts a walk over the fields of the record in `bytes[start, start + length)`. */
  reset(bytes: Uint8Array, start: number, length: number): void {
    this.#bytes = bytes;
    this.#next = start + HEADER_BYTES;
    this.#end = start + length;
  }

  /** Moves to the next field; false at the end, or at a field that would run past the record. */
  next(): boolean {
    const b = this.#bytes;
    const at = this.#next + FIELD_HEADER.size;
    if (at > this.#end) return false;
    const type = b[this.#next + FIELD_HEADER.offset.type];
    const length = b[this.#next + FIELD_HEADER.offset.len] |
      (b[this.#next + FIELD_HEADER.offset.len + 1] << 8);
    if (at + length > this.#end) return false;
    this.index = b[this.#next + FIELD_HEADER.offset.index];
    this.wire = type & ~WIRE_CUT;
    this.cut = (type & WIRE_CUT) !== 0;
    this.at = at;
    this.length = length;
    this.#next = at + length;
    return true;
  }
}

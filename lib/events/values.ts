/**
 * Data values from record bytes, under the JSON type key of their field (Tracee's conversion), and
 * the zero value Tracee fills a field with when the kernel gave nothing.
 *
 * @module
 */

import type { DataType, FieldDefinition } from "./catalog.ts";
import type { DataField } from "./event.ts";

const TWO_32 = 4294967296;

/**
 * The 64-bit integer at `at` as decimal text: plain number arithmetic while it is exact (nearly
 * always), BigInt beyond 2^53.
 */
export function int64Text(view: DataView, at: number, signed: boolean): string {
  const low = view.getUint32(at, true);
  const high = signed ? view.getInt32(at + 4, true) : view.getUint32(at + 4, true);
  if (high >= -0x200000 && high < 0x200000) return String(high * TWO_32 + low);
  return (signed ? view.getBigInt64(at, true) : view.getBigUint64(at, true)).toString();
}

/** A 32-bit value under its field's type key. */
export function field32(name: string, type: DataType, n: number): DataField {
  switch (type) {
    case "int32":
      return { name, int32: n | 0 };
    case "u_int32":
      return { name, u_int32: n >>> 0 };
    case "int64":
      return { name, int64: String(n) };
    case "bool":
      return { name, bool: n !== 0 };
    case "pointer":
      return { name, pointer: String(n >>> 0) };
    default:
      return { name, u_int64: String(n >>> 0) };
  }
}

/** Decimal text this short is a safe integer, where 64-bit wrapping changes nothing. */
const SAFE_DIGITS = 15;

/** A 64-bit value (decimal text, as {@link int64Text} gives it) under its field's type key. */
export function field64(name: string, type: DataType, text: string): DataField {
  // Nearly every value (return values, descriptors, sizes): no BigInt needed.
  if (text.length <= SAFE_DIGITS) {
    const n = Number(text);
    if (type === "int32" || type === "u_int32" || type === "bool") return field32(name, type, n);
    if (type === "int64") return { name, int64: text };
    if (n >= 0) return type === "pointer" ? { name, pointer: text } : { name, u_int64: text };
  }
  switch (type) {
    case "int32":
      return { name, int32: Number(BigInt.asIntN(32, BigInt(text))) };
    case "u_int32":
      return { name, u_int32: Number(BigInt.asUintN(32, BigInt(text))) };
    case "int64":
      return { name, int64: text.startsWith("-") ? text : String(BigInt.asIntN(64, BigInt(text))) };
    case "bool":
      return { name, bool: text !== "0" };
    case "pointer":
      return { name, pointer: text.startsWith("-") ? String(BigInt.asUintN(64, BigInt(text))) : text };
    default:
      return { name, u_int64: text.startsWith("-") ? String(BigInt.asUintN(64, BigInt(text))) : text };
  }
}

/** What Tracee writes for a declared field the kernel gave no value for (its Go type's zero). */
export function zeroField(field: FieldDefinition): DataField {
  const name = field.name;
  switch (field.type) {
    case "int32":
      return { name, int32: 0 };
    case "u_int32":
      return { name, u_int32: 0 };
    case "int64":
      return { name, int64: "0" };
    case "u_int64":
      return { name, u_int64: "0" };
    case "pointer":
      return { name, pointer: "0" };
    case "str":
      return { name, str: "" };
    case "bytes":
      return { name, bytes: "" };
    case "bool":
      return { name, bool: false };
    case "str_array":
      return { name, str_array: { value: [] } };
    case "int32_array":
      return { name, int32_array: { value: [0, 0] } };
    case "u_int64_array":
      return { name, u_int64_array: { value: [] } };
    case "timespec":
      return { name, timespec: { value: 0 } };
    case "sockaddr":
      return { name, sockaddr: {} };
    default:
      return { name };
  }
}

/**
 * The `json` format written straight into bytes: each event's line is appended to one reusable
 * output buffer, so a batch becomes one large write with no per-event string, join or encode.
 *
 * The bytes are exactly those of {@link formatJson} (`JSON.stringify` of the event in Tracee's
 * layout, UTF-8): the layout comes from json_order.ts, keys are written from pre-encoded
 * fragments, ASCII strings and integers byte by byte, and anything rarer (non-ASCII text,
 * fractions, values with a `toJSON`) through `JSON.stringify` itself, so no escaping rule is
 * restated here. A workload object met twice in a row (the kernel source shares one per thread)
 * is encoded once and its bytes copied after that. An event the kernel decoder built (marked
 * {@link DECODED_FROM}) is not laid out first: its keys are checked against Tracee's order as they
 * are written, and its data entries are written from per-definition pre-encoded prefixes.
 *
 * @module
 */

import type { EventDefinition } from "../events/catalog.ts";
import { DECODED_FROM, type Event } from "../events/event.ts";
import { zeroField } from "../events/values.ts";
import { goFloat } from "./go_float.ts";
import {
  DATA_FIELD_LAYOUT,
  eventKeyRank,
  eventOmits,
  traceeOrder,
  traceeOrderBesideWorkload,
  WORKLOAD_LAYOUT,
} from "./json_order.ts";

const encoder = new TextEncoder();
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const DIGIT_0 = 0x30;
const MINUS = 0x2d;
const NULL_BYTES = encoder.encode("null");
const TRUE_BYTES = encoder.encode("true");
const FALSE_BYTES = encoder.encode("false");
const TIMESPEC_OPEN = encoder.encode('{"value":');
/** Integers up to this are written digit by digit; larger ones as `String` would, exactly. */
const SMALL_INTEGER = 1e15;

/** Fragments kept per cache; a replayed event may carry any key or name, so the caches are bounded. */
const FRAGMENTS_MAX = 4096;
/** `"key":` as bytes, for every key met so far (keys come from a small fixed set). */
const keyBytes = new Map<string, Uint8Array>();
/** The JSON of `name` values (event and data field names: the catalog's, a small fixed set). */
const nameBytes = new Map<string, Uint8Array>();

/** A data entry of a decoded event as its definition lays it out: `{"name":"fd","int32":` then the value. */
interface FieldPlan {
  name: string;
  key: string;
  prefix: Uint8Array;
}

/** Per definition, each field's plan (undefined for a type without a type key). */
const plans = new Map<EventDefinition, (FieldPlan | undefined)[]>();

function planOf(definition: EventDefinition): (FieldPlan | undefined)[] {
  let plan = plans.get(definition);
  if (plan === undefined) {
    // The type key comes from the decoder's own zero value of the field, so it is not restated here.
    plan = definition.fields.map((field) => {
      const key = Object.keys(zeroField(field)).find((k) => k !== "name");
      if (key === undefined) return undefined;
      return {
        name: field.name,
        key,
        prefix: encoder.encode(`{"name":${JSON.stringify(field.name)},${JSON.stringify(key)}:`),
      };
    });
    plans.set(definition, plan);
  }
  return plan;
}

function fragment(cache: Map<string, Uint8Array>, text: string, suffix: string): Uint8Array {
  let bytes = cache.get(text);
  if (bytes === undefined) {
    bytes = encoder.encode(JSON.stringify(text) + suffix);
    if (cache.size < FRAGMENTS_MAX) cache.set(text, bytes);
  }
  return bytes;
}

/** An output buffer that grows as needed; {@link JsonBytes.take} hands its bytes over. */
export class JsonBytes {
  #bytes: Uint8Array;
  #length = 0;
  #previousWorkload: object | undefined;
  readonly #workloads = new WeakMap<object, Uint8Array>();

  /** `capacity` is the initial buffer size; it doubles when a line does not fit. */
  constructor(capacity = 512 * 1024) {
    this.#bytes = new Uint8Array(capacity);
  }

  /** Bytes written since the last {@link JsonBytes.take}. */
  get length(): number {
    return this.#length;
  }

  /**
   * Appends the event's json line and a newline. On a throw (a value `JSON.stringify` refuses, as
   * a BigInt) nothing of the line stays in the buffer.
   */
  writeLine(event: Event): void {
    const start = this.#length;
    try {
      const definition = event[DECODED_FROM];
      if (definition === undefined || !this.#decoded(event, definition)) {
        this.#length = start;
        this.#object(traceeOrderBesideWorkload(event), true);
      }
      this.#byte(NEWLINE);
    } catch (error) {
      this.#length = start;
      throw error;
    }
  }

  /** Appends `text` (a line from another formatter) and a newline. */
  writeText(text: string): void {
    this.#ensure(text.length * 3 + 1);
    this.#length += encoder.encodeInto(text, this.#bytes.subarray(this.#length)).written;
    this.#byte(NEWLINE);
  }

  /** Puts `text` and a newline before everything written so far; returns the bytes it takes. */
  prependLine(text: string): number {
    const rest = this.#bytes.slice(0, this.#length);
    this.#length = 0;
    this.writeText(text);
    const added = this.#length;
    this.#raw(rest);
    return added;
  }

  /** A copy of the bytes written so far; the buffer is then reused from its start. */
  take(): Uint8Array {
    const out = this.#bytes.slice(0, this.#length);
    this.#length = 0;
    return out;
  }

  /**
   * An event the decoder built, its keys checked against Tracee's order as they are written (the
   * decoder sets them in that order) and its data entries written by the definition's plan. False,
   * with part of the line written, when a key is out of order or to be left out: the caller then
   * writes the line again the general way.
   */
  #decoded(event: Event, definition: EventDefinition): boolean {
    this.#byte(0x7b);
    let last = -1;
    let first = true;
    // for..in reads V8's cached key list without making an array; a decoded event has no keys on its prototype.
    for (const key in event) {
      const value = event[key];
      if (!writable(value)) continue;
      const rank = eventKeyRank(key);
      if (rank < last || eventOmits(key, value)) return false;
      last = rank;
      if (!first) this.#byte(COMMA);
      first = false;
      this.#raw(fragment(keyBytes, key, ":"));
      if (key === "data" && Array.isArray(value)) this.#data(value, planOf(definition));
      else this.#member(key, value, true);
    }
    this.#byte(0x7d);
    return true;
  }

  /** Entries that match their plan are written from it; any other the general way. */
  #data(data: readonly Record<string, unknown>[], plan: readonly (FieldPlan | undefined)[]): void {
    this.#byte(0x5b);
    for (let i = 0; i < data.length; i++) {
      if (i > 0) this.#byte(COMMA);
      const field = data[i];
      const p = plan[i];
      const value = p === undefined ? undefined : field[p.key];
      const type = typeof value;
      if (
        p !== undefined && field.name === p.name &&
        (type === "string" || type === "number" || type === "boolean")
      ) {
        this.#raw(p.prefix);
        this.#value(value);
        this.#byte(0x7d);
      } else this.#value(traceeOrder(field, DATA_FIELD_LAYOUT));
    }
    this.#byte(0x5d);
  }

  /**
   * The policy stage shares one frozen `{ matched }` per set of policies: its bytes are kept as
   * long as it lives. Anything else is written as it is.
   */
  #policies(policies: object): void {
    const cached = frozenBytes.get(policies);
    if (cached !== undefined) return this.#raw(cached);
    const start = this.#length;
    this.#value(policies);
    if (deeplyFrozen(policies)) frozenBytes.set(policies, this.#bytes.slice(start, this.#length));
  }

  /**
   * A shared workload's bytes are encoded on its second appearance in a row and copied after.
   * `workload` may not be laid out yet: the event around it was laid out beside it.
   */
  #workload(workload: object): void {
    const cached = this.#workloads.get(workload);
    if (cached !== undefined) return this.#raw(cached);
    const laidOut = traceeOrder(workload as Record<string, unknown>, WORKLOAD_LAYOUT);
    if (workload !== this.#previousWorkload) {
      this.#previousWorkload = workload;
      return this.#value(laidOut);
    }
    const start = this.#length;
    this.#value(laidOut);
    // Weakly held: an encoding lives as long as the source keeps its workload object.
    this.#workloads.set(workload, this.#bytes.slice(start, this.#length));
  }

  #value(value: unknown): void {
    switch (typeof value) {
      case "string":
        return this.#string(value);
      case "number":
        return this.#number(value);
      case "boolean":
        return this.#raw(value ? TRUE_BYTES : FALSE_BYTES);
      case "object":
        if (value === null) return this.#raw(NULL_BYTES);
        if (Array.isArray(value)) return this.#array(value);
        if (typeof (value as { toJSON?: unknown }).toJSON === "function") return this.#stringified(value);
        return this.#object(value as Record<string, unknown>, false);
      default:
        return this.#stringified(value);
    }
  }

  /** `event`: the object is the event itself, whose workload may be shared. */
  #object(object: Record<string, unknown>, event: boolean): void {
    this.#byte(0x7b);
    let first = true;
    for (const key of Object.keys(object)) {
      const value = object[key];
      if (!writable(value)) continue;
      if (!first) this.#byte(COMMA);
      first = false;
      this.#raw(fragment(keyBytes, key, ":"));
      this.#member(key, value, event);
    }
    this.#byte(0x7d);
  }

  /** The value of member `key`; `event`: the object is the event itself, whose workload may be shared. */
  #member(key: string, value: unknown, event: boolean): void {
    if (key === "name" && typeof value === "string") this.#raw(fragment(nameBytes, value, ""));
    else if (event && key === "policies" && typeof value === "object" && value !== null) {
      this.#policies(value);
    } else if (key === "timespec" && isTimespec(value)) this.#timespec(value.value);
    else if (event && key === "workload" && typeof value === "object" && value !== null) {
      this.#workload(value);
    } else this.#value(value);
  }

  /** Tracee writes a timespec's seconds as Go's `%g` does (`1.7e+09`); see formatJson. */
  #timespec(seconds: number): void {
    this.#raw(TIMESPEC_OPEN);
    this.#raw(encoder.encode(goFloat(seconds)));
    this.#byte(0x7d);
  }

  #array(array: readonly unknown[]): void {
    this.#byte(0x5b);
    for (let i = 0; i < array.length; i++) {
      if (i > 0) this.#byte(COMMA);
      const item = array[i];
      // JSON.stringify writes null for what it cannot write inside an array.
      if (writable(item)) this.#value(item);
      else this.#raw(NULL_BYTES);
    }
    this.#byte(0x5d);
  }

  #number(n: number): void {
    if (!Number.isInteger(n) || n >= SMALL_INTEGER || n <= -SMALL_INTEGER) return this.#stringified(n);
    this.#ensure(17);
    const bytes = this.#bytes;
    let at = this.#length;
    if (n < 0) {
      bytes[at++] = MINUS;
      n = -n;
    }
    // -0 lands here as 0 and is written "0", as JSON.stringify does.
    let digits = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    if (n <= 0x7fffffff) {
      // Most numbers (ids, descriptors, flags, pids) fit 31 bits, where integer division is exact.
      for (let i = at + digits - 1; i >= at; i--) {
        const rest = (n / 10) | 0;
        bytes[i] = DIGIT_0 + n - rest * 10;
        n = rest;
      }
    } else {
      for (let i = at + digits - 1; i >= at; i--) {
        bytes[i] = DIGIT_0 + (n % 10);
        n = Math.floor(n / 10);
      }
    }
    this.#length = at + digits;
  }

  /** ASCII without escapes is copied byte by byte; anything else goes through JSON.stringify. */
  #string(text: string): void {
    const n = text.length;
    this.#ensure(n + 2);
    const bytes = this.#bytes;
    let at = this.#length;
    bytes[at++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c >= 0x7f || c === QUOTE || c === BACKSLASH) return this.#stringified(text);
      bytes[at++] = c;
    }
    bytes[at++] = QUOTE;
    this.#length = at;
  }

  /** `value` as JSON.stringify writes it; throws what JSON.stringify throws. */
  #stringified(value: unknown): void {
    const text = JSON.stringify(value);
    this.#ensure(text.length * 3);
    this.#length += encoder.encodeInto(text, this.#bytes.subarray(this.#length)).written;
  }

  #raw(fragment: Uint8Array): void {
    const n = fragment.length;
    this.#ensure(n);
    const bytes = this.#bytes;
    const at = this.#length;
    // A loop beats set() on the short key fragments that make most calls.
    if (n > 32) bytes.set(fragment, at);
    else for (let i = 0; i < n; i++) bytes[at + i] = fragment[i];
    this.#length = at + n;
  }

  #byte(b: number): void {
    this.#ensure(1);
    this.#bytes[this.#length++] = b;
  }

  #ensure(more: number): void {
    const need = this.#length + more;
    if (need <= this.#bytes.length) return;
    let size = this.#bytes.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
  }
}

/** The bytes of frozen values met so far: they cannot change, so they are written once. */
const frozenBytes = new WeakMap<object, Uint8Array>();

/** Frozen, and so is every object in it; none with a `toJSON`, whose result could change. */
function deeplyFrozen(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return true;
  if (!Object.isFrozen(value) || "toJSON" in value) return false;
  return Object.values(value).every(deeplyFrozen);
}

/** What JSON.stringify writes as an object member (it skips undefined, functions and symbols). */
function writable(value: unknown): boolean {
  if (value === undefined) return false;
  const type = typeof value;
  return type !== "function" && type !== "symbol";
}

/** A data field's `timespec` value as the decoder makes it: `{ value: seconds }`. */
function isTimespec(value: unknown): value is { value: number } {
  if (typeof value !== "object" || value === null) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === "value" && typeof (value as { value: unknown }).value === "number";
}

/**
 * Sprig's math and date functions. Integers follow Go's int64 arithmetic (`div` truncates,
 * division by zero is a runtime error); dates are Go `time.Time` values shown in the local
 * zone unless a zone is named.
 *
 * @module
 */

import type { TemplateFunction } from "./gotemplate_builtins.ts";
import { formatDuration, GoTime, parseDuration, parseRfc3339, type Zone } from "./go_time.ts";
import { parseGoTime } from "./go_time_parse.ts";
import { GoTimestamp, plain, TemplateExecError } from "./gotemplate_value.ts";
import { int, str } from "./sprig_text.ts";

function float(value: unknown): number {
  const v = plain(value);
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v);
    return Number.isFinite(n) ? n : 0;
  }
  return 0;
}

function divide(op: string, apply: (a: number, b: number) => number) {
  return (a: unknown, b: unknown): number => {
    const divisor = int(b);
    if (divisor === 0) {
      throw new TemplateExecError(`error calling ${op}: runtime error: integer divide by zero`);
    }
    return apply(int(a), divisor);
  };
}

function round(value: unknown, places: unknown, half: unknown = 0.5): number {
  const p = 10 ** int(places);
  const scaled = float(value) * p;
  const whole = Math.trunc(scaled);
  const rest = Math.abs(scaled - whole);
  const up = rest >= float(half) ? Math.sign(scaled) : 0;
  return (whole + up) / p;
}

/** The time a date function was given: a Go time, a protobuf timestamp, RFC 3339 text, or Unix seconds. */
function timeOf(value: unknown): GoTime {
  const v = plain(value);
  if (v instanceof GoTime) return v;
  if (v instanceof GoTimestamp) return v.AsTime();
  if (typeof v === "number" || typeof v === "bigint") return new GoTime(BigInt(v) * 1_000_000_000n, "Local");
  if (typeof v === "string") {
    const parsed = parseRfc3339(v);
    if (parsed !== undefined) return parsed;
  }
  // Sprig formats anything else as the current time.
  return GoTime.now();
}

function zoneOf(name: unknown): Zone {
  const zone = str(name);
  if (zone === "" || zone === "UTC" || zone === "Local") return zone || "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone;
  } catch {
    return "UTC";
  }
}

function dateIn(layout: unknown, value: unknown, zone: Zone): string {
  const t = timeOf(value);
  return new GoTime(t.ns, zone).Format(str(layout));
}

function durationOf(value: unknown): bigint {
  const v = plain(value);
  if (typeof v === "string") {
    const parsed = parseDuration(v);
    if (parsed !== undefined) return parsed;
    const t = parseRfc3339(v);
    return t === undefined ? 0n : BigInt(Date.now()) * 1_000_000n - t.ns;
  }
  if (v instanceof GoTime) return BigInt(Date.now()) * 1_000_000n - v.ns;
  return BigInt(int(v));
}

const DAY = 86_400_000_000_000n;
const ROUND_UNITS: [string, bigint][] = [
  ["y", DAY * 365n],
  ["mo", DAY * 30n],
  ["d", DAY],
  ["h", 3_600_000_000_000n],
  ["m", 60_000_000_000n],
  ["s", 1_000_000_000n],
];

function durationRound(value: unknown): string {
  const d = durationOf(value);
  const abs = d < 0n ? -d : d;
  for (const [unit, size] of ROUND_UNITS) if (abs > size) return `${abs / size}${unit}`;
  return "0s";
}

function toDate(layout: unknown, text: unknown): GoTime | undefined {
  return parseGoTime(str(layout), str(text), "Local");
}

/** Sprig's math and date functions. */
export const SPRIG_MATH_TIME: Readonly<Record<string, TemplateFunction>> = {
  add: (...values) => values.reduce<number>((sum, v) => sum + int(v), 0),
  add1: (v) => int(v) + 1,
  sub: (a, b) => int(a) - int(b),
  mul: (...values) => values.reduce<number>((product, v) => product * int(v), 1),
  div: divide("div", (a, b) => Math.trunc(a / b)),
  mod: divide("mod", (a, b) => a % b),
  max: (first, ...rest) => Math.max(int(first), ...rest.map(int)),
  biggest: (first, ...rest) => Math.max(int(first), ...rest.map(int)),
  min: (first, ...rest) => Math.min(int(first), ...rest.map(int)),
  addf: (...values) => values.reduce<number>((sum, v) => sum + float(v), 0),
  add1f: (v) => float(v) + 1,
  subf: (first, ...rest) => rest.reduce<number>((acc, v) => acc - float(v), float(first)),
  mulf: (...values) => values.reduce<number>((product, v) => product * float(v), 1),
  divf: (first, ...rest) => rest.reduce<number>((acc, v) => acc / float(v), float(first)),
  maxf: (first, ...rest) => Math.max(float(first), ...rest.map(float)),
  minf: (first, ...rest) => Math.min(float(first), ...rest.map(float)),
  floor: (v) => Math.floor(float(v)),
  ceil: (v) => Math.ceil(float(v)),
  round,
  int: (v) => int(v),
  int64: (v) => int(v),
  atoi: (v) => int(v),
  float64: (v) => float(v),
  now: () => GoTime.now(),
  date: (layout, value) => dateIn(layout, value, "Local"),
  dateInZone: (layout, value, zone) => dateIn(layout, value, zoneOf(zone)),
  date_in_zone: (layout, value, zone) => dateIn(layout, value, zoneOf(zone)),
  htmlDate: (value) => dateIn("2006-01-02", value, "Local"),
  htmlDateInZone: (value, zone) => dateIn("2006-01-02", value, zoneOf(zone)),
  unixEpoch: (value) => String(timeOf(value).Unix()),
  dateModify: (change, value) => {
    const t = timeOf(value);
    const by = parseDuration(str(change));
    return by === undefined ? t : new GoTime(t.ns + by, t.zone);
  },
  duration: (seconds) => formatDuration(BigInt(int(seconds)) * 1_000_000_000n),
  durationRound,
  ago: (value) => {
    const ns = BigInt(Date.now()) * 1_000_000n - timeOf(value).ns;
    return formatDuration((ns + 500_000_000n) / 1_000_000_000n * 1_000_000_000n);
  },
  toDate: (layout, text) => toDate(layout, text) ?? new GoTime(-62135596800n * 1_000_000_000n, "UTC"),
  mustToDate: (layout, text) => {
    const t = toDate(layout, text);
    if (t === undefined) {
      throw new TemplateExecError(`mustToDate: "${str(text)}" does not match layout "${str(layout)}"`);
    }
    return t;
  },
};

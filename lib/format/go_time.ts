/**
 * Go's time values as templates meet them: a point in time with nanoseconds and a zone
 * (`time.Time`), Go's layout strings (`2006-01-02T15:04:05Z07:00`) and durations (`1m35s`).
 *
 * @module
 */

/** The zone a {@link GoTime} is shown in: UTC, the host's local zone, or an IANA name. */
export type Zone = string;

/** Nanoseconds in a second. */
export const NS_PER_SECOND = 1_000_000_000n;
/** Month names, January first. */
export const MONTHS: readonly string[] = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** The wall clock of an instant in a zone. */
interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  /** Seconds east of UTC. */
  offset: number;
  /** The zone's abbreviation (`UTC`, `CET`) or, where none is known, the offset (`+0200`). */
  abbreviation: string;
}

/** The offset east of UTC (seconds) and the abbreviation of `zone` at the instant `ms`. */
export function zoneParts(ms: number, zone: Zone): { offset: number; abbreviation: string } {
  if (zone === "UTC") return { offset: 0, abbreviation: "UTC" };
  const date = new Date(ms);
  if (zone === "Local") {
    const offset = -date.getTimezoneOffset() * 60;
    const name = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" }).formatToParts(date)
      .find((part) => part.type === "timeZoneName")?.value;
    return {
      offset,
      abbreviation: name !== undefined && !name.startsWith("GMT") ? name : numericZone(offset, ""),
    };
  }
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
    timeZoneName: "short",
  }).formatToParts(date);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  const offset = Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 1000);
  const name = parts.find((part) => part.type === "timeZoneName")?.value ?? "";
  return { offset, abbreviation: name.startsWith("GMT") || name === "" ? numericZone(offset, "") : name };
}

function numericZone(offset: number, separator: string): string {
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${sign}${pad(Math.floor(abs / 3600), 2)}${separator}${pad(Math.floor(abs / 60) % 60, 2)}`;
}

function pad(n: number, width: number, fill = "0"): string {
  return String(n).padStart(width, fill);
}

/** A point in time with nanoseconds, shown in a zone: Go's `time.Time`. */
export class GoTime {
  /** `ns`: nanoseconds since the Unix epoch; `zone`: where it is shown. */
  constructor(readonly ns: bigint, readonly zone: Zone = "UTC") {}

  /** The time now, in the local zone (Go's `time.Now()`). */
  static now(): GoTime {
    return new GoTime(BigInt(Date.now()) * 1_000_000n, "Local");
  }

  /** The wall clock in this time's zone. */
  wall(): Wall {
    const seconds = Number(this.ns / NS_PER_SECOND - (this.ns % NS_PER_SECOND < 0n ? 1n : 0n));
    const { offset, abbreviation } = zoneParts(seconds * 1000, this.zone);
    const date = new Date((seconds + offset) * 1000);
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
      weekday: date.getUTCDay(),
      offset,
      abbreviation,
    };
  }

  /** Nanoseconds within the second, 0 to 999999999. */
  nanosecond(): number {
    const rest = this.ns % NS_PER_SECOND;
    return Number(rest < 0n ? rest + NS_PER_SECOND : rest);
  }

  /** Seconds since the epoch (Go's `Unix()`). */
  Unix(): number {
    return Number((this.ns - BigInt(this.nanosecond())) / NS_PER_SECOND);
  }

  /** Nanoseconds since the epoch (Go's `UnixNano()`). */
  UnixNano(): bigint {
    return this.ns;
  }

  /** The same instant shown in UTC. */
  UTC(): GoTime {
    return new GoTime(this.ns, "UTC");
  }

  /** The same instant shown in the local zone. */
  Local(): GoTime {
    return new GoTime(this.ns, "Local");
  }

  /** Formats with a Go layout (Go's `Format`). */
  Format(layout: string): string {
    return formatGoTime(this, layout);
  }

  /** Go's default text of a time: `2006-01-02 15:04:05.999999999 -0700 MST`. */
  toString(): string {
    return formatGoTime(this, "2006-01-02 15:04:05.999999999 -0700 MST");
  }
}

/** The elements of a Go layout, longest first where one is a prefix of another. */
export const LAYOUT_TOKENS: readonly string[] = [
  "January",
  "Monday",
  "Z07:00:00",
  "-07:00:00",
  "Z07:00",
  "-07:00",
  "Z0700",
  "-0700",
  "2006",
  "Jan",
  "Mon",
  "MST",
  "002",
  "__2",
  "_2",
  "15",
  "01",
  "02",
  "03",
  "04",
  "05",
  "06",
  "-07",
  "Z07",
  "PM",
  "pm",
  "1",
  "2",
  "3",
  "4",
  "5",
];

function fraction(t: GoTime, digits: number, trim: boolean): string {
  let text = pad(t.nanosecond(), 9).slice(0, digits);
  if (trim) text = text.replace(/0+$/, "");
  return text === "" ? "" : "." + text;
}

function zoneText(token: string, wall: Wall): string {
  if (token.startsWith("Z") && wall.offset === 0) return "Z";
  const separator = token.includes(":") ? ":" : "";
  const text = numericZone(wall.offset, separator);
  if (token.endsWith("07")) return text.slice(0, 3);
  if (token.endsWith(":00:00") || token.endsWith("0000")) return text + `${separator}00`;
  return text;
}

function dayOfYear(wall: Wall): number {
  return Math.round(
    (Date.UTC(wall.year, wall.month - 1, wall.day) - Date.UTC(wall.year, 0, 1)) / 86_400_000,
  ) + 1;
}

function tokenText(token: string, wall: Wall): string {
  switch (token) {
    case "January":
      return MONTHS[wall.month - 1];
    case "Jan":
      return MONTHS[wall.month - 1].slice(0, 3);
    case "Monday":
      return DAYS[wall.weekday];
    case "Mon":
      return DAYS[wall.weekday].slice(0, 3);
    case "2006":
      return pad(wall.year, 4);
    case "06":
      return pad(wall.year % 100, 2);
    case "01":
      return pad(wall.month, 2);
    case "1":
      return String(wall.month);
    case "02":
      return pad(wall.day, 2);
    case "2":
      return String(wall.day);
    case "_2":
      return pad(wall.day, 2, " ");
    case "002":
      return pad(dayOfYear(wall), 3);
    case "__2":
      return pad(dayOfYear(wall), 3, " ");
    case "15":
      return pad(wall.hour, 2);
    case "03":
      return pad(wall.hour % 12 === 0 ? 12 : wall.hour % 12, 2);
    case "3":
      return String(wall.hour % 12 === 0 ? 12 : wall.hour % 12);
    case "04":
      return pad(wall.minute, 2);
    case "4":
      return String(wall.minute);
    case "05":
      return pad(wall.second, 2);
    case "5":
      return String(wall.second);
    case "PM":
      return wall.hour >= 12 ? "PM" : "AM";
    case "pm":
      return wall.hour >= 12 ? "pm" : "am";
    case "MST":
      return wall.abbreviation;
    default:
      return zoneText(token, wall);
  }
}

/** Formats `t` with Go layout `layout` (the reference time `Mon Jan 2 15:04:05 MST 2006`). */
export function formatGoTime(t: GoTime, layout: string): string {
  const wall = t.wall();
  let out = "";
  for (let i = 0; i < layout.length;) {
    const fractionMatch = /^[.,](0+|9+)(?!\d)/.exec(layout.slice(i));
    if (fractionMatch !== null) {
      out += fraction(t, fractionMatch[1].length, fractionMatch[1][0] === "9");
      i += fractionMatch[0].length;
      continue;
    }
    const token = LAYOUT_TOKENS.find((candidate) => layout.startsWith(candidate, i));
    if (token === undefined) {
      out += layout[i++];
      continue;
    }
    out += tokenText(token, wall);
    i += token.length;
  }
  return out;
}

const UNITS: [string, bigint][] = [["h", 3_600_000_000_000n], ["m", 60_000_000_000n], ["s", NS_PER_SECOND]];

/** Go's text of a duration in nanoseconds: `1h2m3.5s`, `1.5ms`, `0s`. */
export function formatDuration(ns: bigint): string {
  if (ns === 0n) return "0s";
  const sign = ns < 0n ? "-" : "";
  let rest = ns < 0n ? -ns : ns;
  if (rest < NS_PER_SECOND) {
    const [unit, size] = rest < 1000n ? ["ns", 1n] : rest < 1_000_000n ? ["µs", 1000n] : ["ms", 1_000_000n];
    return sign + decimal(rest, size) + unit;
  }
  let out = "";
  for (const [unit, size] of UNITS.slice(0, 2)) {
    if (rest >= size) {
      out += `${rest / size}${unit}`;
      rest %= size;
    } else if (out !== "") out += `0${unit}`;
  }
  return sign + out + decimal(rest, NS_PER_SECOND) + "s";
}

function decimal(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const digits = String(unit).length - 1;
  const part = String(value % unit).padStart(digits, "0").replace(/0+$/, "");
  return part === "" ? String(whole) : `${whole}.${part}`;
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  "µs": 1e3,
  "μs": 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Parses a Go duration (`1h30m`, `-1.5s`, `300ms`) into nanoseconds; undefined when it is not one. */
export function parseDuration(text: string): bigint | undefined {
  const match = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(text);
  if (match === null) return text === "0" ? 0n : undefined;
  let total = 0;
  for (const [, value, unit] of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(value) * DURATION_UNITS[unit];
  }
  const ns = BigInt(Math.round(total));
  return match[1] === "-" ? -ns : ns;
}

/** Parses an RFC 3339 timestamp with up to nanoseconds into a UTC {@link GoTime}; undefined when it is not one. */
export function parseRfc3339(text: string): GoTime | undefined {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (match === null) return undefined;
  const ms = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(ms)) return undefined;
  const nanos = BigInt((match[2] ?? "").padEnd(9, "0") || "0");
  return new GoTime(BigInt(ms / 1000) * NS_PER_SECOND + nanos, "UTC");
}

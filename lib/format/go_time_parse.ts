/**
 * Go's `time.ParseInLocation` for the layouts templates use (Sprig's `toDate`): numeric
 * fields, month and day names, AM/PM, fractions and zones.
 *
 * @module
 */

import { GoTime, LAYOUT_TOKENS, MONTHS, NS_PER_SECOND, type Zone, zoneParts } from "./go_time.ts";

/** Parses `text` with Go layout `layout` (numeric fields and month names); undefined when it does not fit. */
export function parseGoTime(layout: string, text: string, zone: Zone = "UTC"): GoTime | undefined {
  const fields: Record<string, number> = { year: 1, month: 1, day: 1, hour: 0, minute: 0, second: 0, ns: 0 };
  let offset: number | undefined;
  let pm: boolean | undefined;
  let at = 0;
  for (let i = 0; i < layout.length;) {
    const token = LAYOUT_TOKENS.find((candidate) => layout.startsWith(candidate, i));
    if (token === undefined) {
      if (text[at] !== layout[i]) return undefined;
      at++;
      i++;
      continue;
    }
    i += token.length;
    const rest = text.slice(at);
    const read = (pattern: RegExp): string | undefined => {
      const m = pattern.exec(rest);
      if (m === null) return undefined;
      at += m[0].length;
      return m[0];
    };
    let value: string | undefined;
    switch (token) {
      case "2006":
        value = read(/^\d{4}/);
        fields.year = Number(value);
        break;
      case "06":
        value = read(/^\d\d/);
        fields.year = 2000 + Number(value);
        break;
      case "January":
      case "Jan": {
        const names = MONTHS.map((m) => token === "Jan" ? m.slice(0, 3) : m);
        const found = names.findIndex((name) => rest.startsWith(name));
        if (found < 0) return undefined;
        at += names[found].length;
        fields.month = found + 1;
        value = "";
        break;
      }
      case "Monday":
      case "Mon":
        value = read(token === "Mon" ? /^[A-Z][a-z]{2}/ : /^[A-Z][a-z]+/);
        break;
      case "01":
      case "1":
        value = read(token === "1" ? /^\d\d?/ : /^\d\d/);
        fields.month = Number(value);
        break;
      case "02":
      case "2":
      case "_2":
        value = read(token === "02" ? /^\d\d/ : /^ ?\d\d?/);
        fields.day = Number(value);
        break;
      case "15":
      case "03":
      case "3":
        value = read(token === "3" ? /^\d\d?/ : /^\d\d/);
        fields.hour = Number(value);
        break;
      case "04":
      case "4":
        value = read(token === "4" ? /^\d\d?/ : /^\d\d/);
        fields.minute = Number(value);
        break;
      case "05":
      case "5": {
        value = read(token === "5" ? /^\d\d?/ : /^\d\d/);
        fields.second = Number(value);
        const frac = /^[.,](\d+)/.exec(text.slice(at));
        if (frac !== null && !/^[.,][09]/.test(layout.slice(i))) {
          at += frac[0].length;
          fields.ns = Number(frac[1].slice(0, 9).padEnd(9, "0"));
        }
        break;
      }
      case "PM":
      case "pm":
        value = read(/^[AaPp][Mm]/);
        pm = value?.toUpperCase() === "PM";
        break;
      case "MST":
        value = read(/^[A-Z]{3,5}/);
        if (value === "UTC" || value === "GMT") offset = 0;
        break;
      default: {
        if (token.startsWith("Z") && rest.startsWith("Z")) {
          at++;
          offset = 0;
          value = "Z";
          break;
        }
        value = read(/^[+-]\d\d(:?\d\d)?(:?\d\d)?/);
        if (value !== undefined) {
          const digits = value.replaceAll(":", "");
          const sign = digits[0] === "-" ? -1 : 1;
          offset = sign * (Number(digits.slice(1, 3)) * 3600 + Number(digits.slice(3, 5) || "0") * 60);
        }
      }
    }
    if (value === undefined) return undefined;
    const fractionLayout = /^[.,](0+|9+)/.exec(layout.slice(i));
    if (fractionLayout !== null && (token === "05" || token === "5")) {
      i += fractionLayout[0].length;
      const frac = /^[.,](\d+)/.exec(text.slice(at));
      if (frac !== null) {
        at += frac[0].length;
        fields.ns = Number(frac[1].slice(0, 9).padEnd(9, "0"));
      }
    }
  }
  if (at !== text.length) return undefined;
  if (pm !== undefined) fields.hour = (fields.hour % 12) + (pm ? 12 : 0);
  const wallMs = Date.UTC(
    fields.year,
    fields.month - 1,
    fields.day,
    fields.hour,
    fields.minute,
    fields.second,
  );
  if (Number.isNaN(wallMs)) return undefined;
  const shift = offset ?? zoneParts(wallMs, zone).offset;
  const seconds = BigInt(wallMs / 1000 - shift);
  return new GoTime(seconds * NS_PER_SECOND + BigInt(fields.ns), offset === undefined ? zone : "UTC");
}

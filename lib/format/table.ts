/**
 * The `table` format: Tracee's columns `TIME UID COMM PID TID EVENT ARGS`.
 *
 * @module
 */

import { type DataField, dataValue, type Event } from "../events/event.ts";
import type { Formatter } from "./format.ts";

/** The column titles, padded like the rows. */
export const TABLE_HEADER: string = row("TIME", "UID", "COMM", "PID", "TID", "EVENT", "ARGS");

function row(time: string, uid: string, comm: string, pid: string, tid: string, event: string, args: string) {
  return `${time.padEnd(16)} ${uid.padEnd(6)} ${comm.padEnd(16)} ${pid.padEnd(7)} ${tid.padEnd(7)} ${
    event.padEnd(25)
  } ${args}`;
}

const pad2 = (n: number) => (n < 10 ? "0" : "") + n;

/** `HH:MM:SS:micro` in local time, from an RFC 3339 timestamp with up to nanoseconds. */
export function tableTime(timestamp: string): string {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return timestamp;
  const dot = timestamp.indexOf(".");
  let micro = "000000";
  if (dot >= 0) {
    let end = dot + 1;
    while (end < timestamp.length && timestamp.charCodeAt(end) >= 48 && timestamp.charCodeAt(end) <= 57) {
      end++;
    }
    micro = timestamp.slice(dot + 1, Math.min(end, dot + 7)).padEnd(6, "0");
  }
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}:${micro}`;
}

/** One data value as Tracee's table prints it: arrays as `[a b]`, objects as `map[k:v]`. */
export function tableValue(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return `[${value.map(tableValue).join(" ")}]`;
  if (typeof value === "object") {
    const object = value as Record<string, unknown>;
    if (Array.isArray(object.value) && Object.keys(object).length === 1) return tableValue(object.value);
    return `map[${Object.keys(object).sort().map((k) => `${k}:${tableValue(object[k])}`).join(" ")}]`;
  }
  return String(value);
}

function tableArgs(data: DataField[] | undefined): string {
  if (data === undefined || data.length === 0) return "";
  let out = "";
  for (let i = 0; i < data.length; i++) {
    if (i > 0) out += ", ";
    out += `${data[i].name}: ${tableValue(dataValue(data[i]))}`;
  }
  return out;
}

/** Formats an event as one table row. */
export function formatTable(event: Event): string {
  const process = event.workload?.process;
  const thread = process?.thread;
  const name = event.name.length > 25 ? event.name.slice(0, 25) : event.name;
  return row(
    tableTime(event.timestamp),
    String(process?.real_user?.id ?? ""),
    thread?.name ?? "",
    String(process?.pid ?? ""),
    String(thread?.tid ?? ""),
    name,
    tableArgs(event.data),
  );
}

/** The `table` formatter. */
export const tableFormatter: Formatter = { header: TABLE_HEADER, format: formatTable };

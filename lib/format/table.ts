/**
 * The `table` format: Tracee's columns `TIME UID COMM PID TID EVENT ARGS`, or with containers
 * `TIME CONTAINER_ID UID COMM PID/host TID/host EVENT ARGS`. TIME is UTC; flags, modes and
 * ptrace requests are decoded as Tracee prints them. Every cell is escaped and measured in
 * terminal columns, so an event is always one row and a hostile name cannot move a column
 * or reach the terminal.
 *
 * @module
 */

import { type DataField, dataValue, type Event } from "../events/event.ts";
import { decodedArg, pointerText } from "./decoded_args.ts";
import type { Formatter } from "./format.ts";
import { cell, CellCache, CUT_MARK, escapeCell, padTo, padToWidth } from "./table_cells.ts";

/** How the table is laid out. */
export interface TableOptions {
  /** Tracee's container layout (when a policy scope selects containers). @default {false} */
  containers?: boolean;
}

/** Each column's width in terminal columns, as Tracee sets them; PID/host and TID/host are two ids and a slash. */
const WIDTH = { time: 16, container: 13, uid: 6, comm: 16, id: 7, event: 25, ids: 15 } as const;

/** The ARGS cell is cut beyond this many characters (a 4 KiB argv stays whole). */
export const MAX_ARGS_CHARS = 8192;

const pad2 = (n: number) => (n < 10 ? "0" : "") + n;

/** `HH:MM:SS:micro` in UTC, from an RFC 3339 timestamp with up to nanoseconds. */
export function tableTime(timestamp: string): string {
  const dot = timestamp.indexOf(".");
  let micro = "000000";
  let end = dot + 1;
  if (dot >= 0) {
    while (end < timestamp.length && timestamp.charCodeAt(end) >= 48 && timestamp.charCodeAt(end) <= 57) {
      end++;
    }
    micro = timestamp.slice(dot + 1, Math.min(end, dot + 7)).padEnd(6, "0");
  }
  const hms = clock(timestamp, dot, end);
  return hms === undefined ? timestamp : `${hms}:${micro}`;
}

/** The date and time up to the second of the last timestamp whose clock is its own text (UTC, valid). */
let knownSecond = "";
/** Its `HH:MM:SS`. */
let knownClock = "";
const SECOND_END = "YYYY-MM-DDTHH:MM:SS".length;

/**
 * `HH:MM:SS` of `timestamp` in UTC, or undefined when it is not a time. Events come
 * in time order: a timestamp in the same second as the last one, in UTC (`Z`) with a fraction
 * of digits or none, reads its clock from its own text instead of parsing a Date.
 */
function clock(timestamp: string, dot: number, fractionEnd: number): string | undefined {
  const zone = dot < 0 ? SECOND_END : fractionEnd;
  const utc = (dot < 0 || (dot === SECOND_END && fractionEnd > dot + 1)) && zone === timestamp.length - 1 &&
    timestamp.charCodeAt(zone) === 90; // Z
  if (utc && knownSecond !== "" && timestamp.startsWith(knownSecond)) return knownClock;
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return undefined;
  const text = `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}`;
  // Only a time whose text is its own UTC clock (not 24:00:00, not an offset) may stand for its second.
  if (utc && timestamp.slice(SECOND_END - 8, SECOND_END) === text) {
    knownSecond = timestamp.slice(0, SECOND_END);
    knownClock = text;
  }
  return text;
}

function base64Bytes(text: string): string {
  try {
    return `[${Array.from(atob(text), (c) => c.charCodeAt(0)).join(" ")}]`;
  } catch {
    return text;
  }
}

/** One data value as Tracee's table prints it: arrays as `[a b]`, objects as `map[k:v]`. */
export function tableValue(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i > 0 ? " " : "") + tableValue(value[i]);
    return out + "]";
  }
  if (typeof value === "object") {
    const object = value as Record<string, unknown>;
    if (Array.isArray(object.value) && Object.keys(object).length === 1) return tableValue(object.value);
    const keys = Object.keys(object).sort();
    let out = "map[";
    for (let i = 0; i < keys.length; i++) {
      out += `${i > 0 ? " " : ""}${keys[i]}:${tableValue(object[keys[i]])}`;
    }
    return out + "]";
  }
  return String(value);
}

/** One data field's text: decoded where Tracee decodes it, pointers in hex, bytes as numbers. */
function fieldText(event: string, field: DataField): string {
  const value = dataValue(field);
  const record = field as unknown as Record<string, unknown>;
  if (typeof record.pointer === "string" || typeof record.pointer === "number") {
    return pointerText(record.pointer);
  }
  if (typeof field.bytes === "string") return base64Bytes(field.bytes);
  if (typeof value === "number" || (typeof value === "string" && field.str === undefined)) {
    const decoded = decodedArg(event, field.name, value);
    if (decoded !== undefined) return decoded;
  }
  return tableValue(value);
}

function tableArgs(event: Event): string {
  const data = event.data;
  if (data === undefined || data.length === 0) return "";
  const cut = Array.isArray(event.truncated) ? new Set(event.truncated as unknown[]) : undefined;
  let out = "";
  for (let i = 0; i < data.length; i++) {
    if (i > 0) out += ", ";
    out += `${data[i].name}: ${fieldText(event.name, data[i])}`;
    // The kernel side names the fields it had to cut: the row says so.
    if (cut?.has(data[i].name)) out += ` ${CUT_MARK}(cut)`;
    if (out.length > MAX_ARGS_CHARS) break;
  }
  const escaped = escapeCell(out);
  if (escaped.length <= MAX_ARGS_CHARS) return escaped;
  return `${escaped.slice(0, MAX_ARGS_CHARS)}${CUT_MARK}(${escaped.length - MAX_ARGS_CHARS} more characters)`;
}

/** Tracee cuts an event name longer than its column to 22 characters and `...`. */
function eventCell(name: string): string {
  const escaped = escapeCell(name);
  const cut = escaped.length > WIDTH.event
    ? escaped.slice(0, WIDTH.event - CUT_MARK.length) + CUT_MARK
    : escaped;
  return padToWidth(cut, WIDTH.event);
}

/** A pid or tid: digits, so as wide as it is long. */
function idCell(value: number | undefined): string {
  if (typeof value !== "number") return padToWidth(String(value ?? 0), WIDTH.id);
  const text = String(value);
  return padTo(text, text.length, WIDTH.id);
}

// Process names, event names and user ids repeat from event to event: their cells are made once.
const commCells = new CellCache<string>((name) => cell(name, WIDTH.comm));
const eventCells = new CellCache<string>(eventCell);
const uidCells = new CellCache<number>((id) => padToWidth(String(id), WIDTH.uid));

/** The column titles of a layout. */
export function tableHeader(options: TableOptions = {}): string {
  const titles = options.containers
    ? ["TIME", "CONTAINER_ID", "UID", "COMM", "PID/host", "TID/host", "EVENT"]
    : ["TIME", "UID", "COMM", "PID", "TID", "EVENT"];
  const widths = options.containers
    ? [WIDTH.time, WIDTH.container, WIDTH.uid, WIDTH.comm, WIDTH.ids, WIDTH.ids, WIDTH.event]
    : [WIDTH.time, WIDTH.uid, WIDTH.comm, WIDTH.id, WIDTH.id, WIDTH.event];
  return titles.map((title, i) => title.padEnd(widths[i])).join(" ") + " ARGS";
}

/** Formats an event as one table row in the layout `options` asks for. */
export function formatTable(event: Event, options: TableOptions = {}): string {
  const process = event.workload?.process;
  const thread = process?.thread;
  const id = process?.real_user?.id ?? "";
  const uid = typeof id === "number" ? uidCells.get(id) : padToWidth(String(id), WIDTH.uid);
  const comm = commCells.get(thread?.name ?? "");
  const eventName = eventCells.get(event.name);
  const time = padToWidth(tableTime(escapeCell(event.timestamp)), WIDTH.time);
  const args = tableArgs(event);
  if (!options.containers) {
    return `${time} ${uid} ${comm} ${idCell(process?.pid)} ${idCell(thread?.tid)} ${eventName} ${args}`;
  }
  // Docker's short id: the first 12 characters.
  const container = padToWidth(
    escapeCell((event.workload?.container?.id ?? "").slice(0, 12)),
    WIDTH.container,
  );
  const pids = `${idCell(process?.pid)}/${idCell(process?.host_pid)}`;
  const tids = `${idCell(thread?.tid)}/${idCell(thread?.host_tid)}`;
  return `${time} ${container} ${uid} ${comm} ${pids} ${tids} ${eventName} ${args}`;
}

/** The `table` formatter in a layout. */
export function createTableFormatter(options: TableOptions = {}): Formatter {
  return { header: tableHeader(options), format: (event) => formatTable(event, options) };
}

/** The `table` formatter, Tracee's default layout. */
export const tableFormatter: Formatter = createTableFormatter();

/** The column titles of the default layout. */
export const TABLE_HEADER: string = tableHeader();

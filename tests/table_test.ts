import assert from "node:assert/strict";
import { formatTable, TABLE_HEADER, tableTime, tableValue } from "../lib/format/table.ts";
import { makeEvent } from "./_events.ts";

Deno.test("table header has Tracee's columns in order", () => {
  assert.deepEqual(TABLE_HEADER.split(/\s+/), ["TIME", "UID", "COMM", "PID", "TID", "EVENT", "ARGS"]);
});

Deno.test("table time is HH:MM:SS:micro in local time", () => {
  const ts = "2026-11-28T12:34:56.123456789Z";
  const local = new Date(ts);
  const hh = String(local.getHours()).padStart(2, "0");
  const mm = String(local.getMinutes()).padStart(2, "0");
  assert.equal(tableTime(ts), `${hh}:${mm}:56:123456`);
  assert.match(tableTime("2026-11-28T12:34:56Z"), /:56:000000$/);
});

Deno.test("table row: uid, comm padded to 16, pid, tid, event, args", () => {
  const event = makeEvent(7, "sched_process_exec");
  event.data = [
    { name: "pathname", str: "/bin/sh" },
    { name: "argv", str_array: { value: ["sh", "-c", "exit 7"] } },
    { name: "exit_code", int64: "7" },
  ];
  const row = formatTable(event);
  const columns = row.split(/ +/);
  assert.equal(columns[1], "0");
  assert.equal(columns[2], "bash");
  assert.equal(columns[3], "1007");
  assert.equal(columns[4], "1007");
  assert.equal(columns[5], "sched_process_exec");
  assert.equal(row.slice(17 + 7, 17 + 7 + 17), "bash".padEnd(16) + " ");
  assert.ok(row.endsWith("pathname: /bin/sh, argv: [sh -c exit 7], exit_code: 7"), row);
});

Deno.test("table cuts the event name to 25 characters", () => {
  const row = formatTable(makeEvent(1, "a_very_long_event_name_that_goes_on"));
  assert.ok(row.includes(" a_very_long_event_name_th "), row);
});

Deno.test("tableValue prints objects like Go maps", () => {
  assert.equal(tableValue({ sin_port: 80, sa_family: "AF_INET" }), "map[sa_family:AF_INET sin_port:80]");
  assert.equal(tableValue(undefined), "");
});

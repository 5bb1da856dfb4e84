// Sprig's math and date functions, each run through a template.
import assert from "node:assert/strict";
import { templateFormatter } from "../lib/format/template.ts";
import { FormatError } from "../lib/format/format.ts";
import { makeEvent } from "./_events.ts";

// 2026-11-28T12:00:00.007123456Z
const event = makeEvent(7, "sched_process_exec", ["severe", "shell"]);
const render = (source: string) => templateFormatter(source, "gotemplate=/t.tmpl").format(event);

const CASES: [string, string, string][] = [
  ["add", "{{ add 1 2 3 }}", "6"],
  ["add1", "{{ add1 .Workload.Process.Pid.Value }}", "1008"],
  ["sub", "{{ sub 10 3 }}", "7"],
  ["mul", "{{ mul 2 3 4 }}", "24"],
  ["div", "{{ div 7 2 }}|{{ div -7 2 }}", "3|-3"],
  ["mod", "{{ mod 7 3 }}", "1"],
  ["max", "{{ max 1 5 3 }}", "5"],
  ["biggest", "{{ biggest 1 5 3 }}", "5"],
  ["min", "{{ min 4 2 9 }}", "2"],
  ["addf", "{{ addf 1.5 2 }}", "3.5"],
  ["add1f", "{{ add1f 1.5 }}", "2.5"],
  ["subf", "{{ subf 5.5 1.25 }}", "4.25"],
  ["mulf", "{{ mulf 1.5 3 }}", "4.5"],
  ["divf", "{{ divf 1 4 }}", "0.25"],
  ["maxf", "{{ maxf 1.5 2.5 }}", "2.5"],
  ["minf", "{{ minf 1.5 2.5 }}", "1.5"],
  ["floor", "{{ floor 1.7 }}", "1"],
  ["ceil", "{{ ceil 1.2 }}", "2"],
  ["round", "{{ round 3.746 2 }}|{{ round 2.5 0 }}", "3.75|3"],
  ["int", '{{ int "42" }}|{{ int 3.9 }}', "42|3"],
  ["int64", '{{ int64 "7" }}', "7"],
  ["atoi", '{{ atoi "12" | add 1 }}', "13"],
  ["float64", '{{ float64 "1.5" }}', "1.5"],
  [
    "dateInZone",
    '{{ dateInZone "2006-01-02 15:04:05.000 MST" .Timestamp.AsTime "UTC" }}',
    "2026-11-28 12:00:00.007 UTC",
  ],
  ["date_in_zone", '{{ date_in_zone "15:04 -07:00" .timestamp "Asia/Kolkata" }}', "17:30 +05:30"],
  ["date", '{{ date "2006" .timestamp }}', "2026"],
  ["htmlDate", "{{ htmlDate 0 | len }}", "10"],
  ["htmlDateInZone", '{{ htmlDateInZone .timestamp "UTC" }}', "2026-11-28"],
  ["unixEpoch", "{{ unixEpoch .Timestamp.AsTime }}", "1795867200"],
  ["dateModify", '{{ dateModify "-1.5h" .Timestamp.AsTime | dateInZone "15:04" | printf "%s" }}', "10:30"],
  ["duration", "{{ duration 95 }}|{{ duration 3600 }}", "1m35s|1h0m0s"],
  ["durationRound", '{{ durationRound "2h10m5s" }}|{{ durationRound "400h" }}', "2h|16d"],
  ["toDate", '{{ toDate "2006-01-02 15:04 MST" "2017-12-31 10:30 UTC" | unixEpoch }}', "1514716200"],
  [
    "mustToDate",
    '{{ mustToDate "2006-01-02T15:04:05Z07:00" "2020-01-02T03:04:05+01:00" | unixEpoch }}',
    "1577930645",
  ],
  ["now", '{{ now | date "2006" | len }}', "4"],
  ["ago", '{{ ago .timestamp | hasSuffix "s" }}', "true"],
];

for (const [name, source, expected] of CASES) {
  Deno.test(`sprig ${name}`, () => assert.equal(render(source), expected));
}

Deno.test("sprig div and mod by zero fail the event, as Go's runtime error does", () => {
  assert.throws(
    () => render("{{ div 1 0 }}"),
    (e) => e instanceof FormatError && /integer divide by zero/.test(e.message),
  );
  assert.throws(() => render("{{ mod 1 0 }}"), FormatError);
});

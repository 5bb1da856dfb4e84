// Sprig's list, dict, default, JSON and type functions, each run through a template.
import assert from "node:assert/strict";
import { templateFormatter } from "../lib/format/template.ts";
import { makeEvent } from "./_events.ts";

const event = makeEvent(7, "sched_process_exec", ["severe", "shell"]);
const render = (source: string) => templateFormatter(source, "gotemplate=/t.tmpl").format(event);

const CASES: [string, string, string][] = [
  ["list", "{{ list 1 2 3 }}", "[1 2 3]"],
  ["tuple", '{{ tuple "a" 1 }}', "[a 1]"],
  ["first", "{{ first .policies.matched }}", "severe"],
  ["rest", "{{ rest (list 1 2 3) }}", "[2 3]"],
  ["last", "{{ last .Policies.Matched }}", "shell"],
  ["initial", "{{ initial (list 1 2 3) }}", "[1 2]"],
  ["append", "{{ append (list 1 2) 3 }}", "[1 2 3]"],
  ["push", "{{ push (list 1) 2 }}", "[1 2]"],
  ["prepend", "{{ prepend (list 1 2) 0 }}", "[0 1 2]"],
  ["concat", "{{ concat (list 1) (list 2 3) }}", "[1 2 3]"],
  ["reverse", "{{ reverse .policies.matched }}", "[shell severe]"],
  ["uniq", "{{ uniq (list 1 2 1 2 3) }}", "[1 2 3]"],
  ["without", "{{ without (list 1 2 3 4) 1 3 }}", "[2 4]"],
  ["has", '{{ has "shell" .policies.matched }}|{{ has "x" .policies.matched }}', "true|false"],
  ["compact", '{{ compact (list 1 "" 0 "a") }}', "[1 a]"],
  ["chunk", "{{ chunk 2 (list 1 2 3 4 5) }}", "[[1 2] [3 4] [5]]"],
  ["until", "{{ until 3 }}", "[0 1 2]"],
  ["untilStep", "{{ untilStep 3 10 3 }}", "[3 6 9]"],
  ["seq", "{{ seq 3 }}|{{ seq 2 4 }}|{{ seq 5 -2 1 }}", "1 2 3|2 3 4|5 3 1"],
  ["sortAlpha", '{{ sortAlpha (list "c" "a" "b") }}', "[a b c]"],
  ["join", '{{ join "," .policies.matched }}', "severe,shell"],
  ["toStrings", '{{ toStrings (list 1 2) | printf "%q" }}', '["1" "2"]'],
  ["dict", '{{ $d := dict "a" 1 "b" "two" }}{{ $d.a }} {{ $d.b }}', "1 two"],
  ["get", '{{ get (dict "a" 1) "a" }}|{{ get (dict "a" 1) "z" }}|', "1||"],
  ["set", '{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $d.b }}', "2"],
  ["unset", '{{ $d := dict "a" 1 "b" 2 }}{{ $_ := unset $d "a" }}{{ keys $d }}', "[b]"],
  ["hasKey", '{{ hasKey (dict "a" 1) "a" }} {{ hasKey (dict "a" 1) "toString" }}', "true false"],
  ["pluck", '{{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3) }}', "[1 3]"],
  ["keys", '{{ keys (dict "b" 1 "a" 2) | sortAlpha }}', "[a b]"],
  ["values", '{{ values (dict "a" 1) }}', "[1]"],
  ["pick", '{{ pick (dict "a" 1 "b" 2) "a" }}', "map[a:1]"],
  ["omit", '{{ omit (dict "a" 1 "b" 2) "a" }}', "map[b:2]"],
  ["merge", '{{ merge (dict "a" 1) (dict "a" 2 "b" 3) }}', "map[a:1 b:3]"],
  ["mergeOverwrite", '{{ mergeOverwrite (dict "a" 1) (dict "a" 2) }}', "map[a:2]"],
  [
    "dig",
    '{{ dig "process" "thread" "name" "none" .workload }}|{{ dig "x" "y" "none" .workload }}',
    "bash|none",
  ],
  ["deepCopy", "{{ $c := deepCopy .policies }}{{ $c.matched }}", "[severe shell]"],
  ["default", '{{ .missing | default "n/a" }}|{{ .name | default "n/a" }}', "n/a|sched_process_exec"],
  [
    "empty",
    "{{ empty .missing }} {{ empty .name }} {{ empty 0 }} {{ empty (list) }}",
    "true false true true",
  ],
  ["coalesce", '{{ coalesce .missing "" .name }}', "sched_process_exec"],
  ["all", '{{ all 1 "a" true }} {{ all 1 "" }}', "true false"],
  ["any", '{{ any 0 "" "x" }} {{ any 0 "" }}', "true false"],
  ["ternary", '{{ ternary "yes" "no" true }} {{ eq .name "x" | ternary "yes" "no" }}', "yes no"],
  ["fromJson", '{{ $o := fromJson "{\\"a\\": [1, 2]}" }}{{ index $o.a 1 }}', "2"],
  [
    "toJson",
    '{{ toJson .policies }}|{{ toJson "<a&b>" }}',
    '{"matched":["severe","shell"]}|"\\u003ca\\u0026b\\u003e"',
  ],
  ["toPrettyJson", "{{ toPrettyJson .policies }}", '{\n  "matched": [\n    "severe",\n    "shell"\n  ]\n}'],
  ["toRawJson", '{{ toRawJson "<a&b>" }}', '"<a&b>"'],
  ["mustToJson", "{{ mustToJson (list 1) }}", "[1]"],
  ["mustFromJson", '{{ (mustFromJson "[3]") | first }}', "3"],
  [
    "kindOf",
    '{{ kindOf "a" }} {{ kindOf 1 }} {{ kindOf 1.5 }} {{ kindOf (list) }} {{ kindOf .workload }}',
    "string int float64 slice map",
  ],
  ["kindIs", '{{ kindIs "string" .name }}', "true"],
  ["typeOf", '{{ typeOf "a" }} {{ typeOf (list) }}', "string []interface {}"],
  ["typeIs", '{{ typeIs "int" 3 }}', "true"],
  ["deepEqual", '{{ deepEqual (list 1 (dict "a" 2)) (list 1 (dict "a" 2)) }}', "true"],
];

for (const [name, source, expected] of CASES) {
  Deno.test(`sprig ${name}`, () => assert.equal(render(source), expected));
}

Deno.test("sprig set, unset and merge change only dicts the template made: the event stays as it was", () => {
  const mine = makeEvent(1);
  const before = JSON.stringify(mine);
  for (
    const source of [
      '{{ set .workload "x" 1 }}',
      '{{ unset .policies "matched" }}',
      '{{ merge .workload (dict "x" 1) }}',
      '{{ $p := pick .workload "process" }}{{ set $p.process "x" 1 }}',
    ]
  ) {
    assert.throws(() => templateFormatter(source, "t").format(mine), /the event is read-only/, source);
  }
  assert.equal(JSON.stringify(mine), before);
  assert.equal(
    render(
      '{{ $c := deepCopy .workload }}{{ $_ := set $c.process "pid" 9 }}{{ $c.process.pid }} {{ .workload.process.pid }}',
    ),
    "9 1007",
  );
});

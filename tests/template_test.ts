// The gotemplate format: Go text/template syntax over the event's JSON fields.
import assert from "node:assert/strict";
import { join } from "node:path";
import { createFormatter } from "../lib/format/create.ts";
import { loadTemplateFormatter, templateFormatter } from "../lib/format/template.ts";
import { FormatError } from "../lib/format/format.ts";
import { makeEvent } from "./_events.ts";

const event = makeEvent(7, "sched_process_exec", ["severe", "shell"]);
const render = (source: string) => templateFormatter(source, "gotemplate=/t.tmpl").format(event);
const parseError = (source: string): string => {
  try {
    templateFormatter(source, "gotemplate=/t.tmpl");
  } catch (error) {
    return (error as Error).message;
  }
  return "parsed";
};

Deno.test("template: fields, nested fields, missing fields and literal text", () => {
  assert.equal(
    render("{{ .name }} id={{ .id }} pid={{ .workload.process.pid }}"),
    "sched_process_exec id=1015 pid=1007",
  );
  assert.equal(render("[{{ .nothing }}] [{{ .workload.nothing.deeper }}]"), "[<no value>] [<no value>]");
  assert.equal(render("{{ .policies.matched }}"), "[severe shell]");
  assert.equal(render("{{ .data }}"), "[map[int32:7 name:seq] map[name:pathname str:/usr/bin/ls]]");
});

Deno.test("template: range with and without variables, else, break and continue", () => {
  assert.equal(render("{{ range .data }}{{ .name }};{{ end }}"), "seq;pathname;");
  assert.equal(
    render("{{ range $i, $p := .policies.matched }}{{ $i }}={{ $p }} {{ end }}"),
    "0=severe 1=shell ",
  );
  assert.equal(render("{{ range $p := .policies.matched }}{{ $p }}{{ end }}"), "severeshell");
  assert.equal(render("{{ range .missing }}x{{ else }}empty{{ end }}"), "empty");
  assert.equal(
    render('{{ range .data }}{{ if eq .name "seq" }}{{ continue }}{{ end }}{{ .str }}{{ end }}'),
    "/usr/bin/ls",
  );
  assert.equal(render("{{ range .policies.matched }}{{ . }}{{ break }}{{ end }}"), "severe");
  assert.equal(render("{{ range .data }}{{ $.name }} {{ end }}"), "sched_process_exec sched_process_exec ");
});

Deno.test("template: if / else if / else, with, and comparison functions", () => {
  const t = '{{ if eq .name "x" }}X{{ else if gt .id 700 }}big{{ else }}small{{ end }}';
  assert.equal(render(t), "big");
  assert.equal(render("{{ if .missing }}yes{{ else }}no{{ end }}"), "no");
  assert.equal(render("{{ if and .name (not .missing) }}ok{{ end }}"), "ok");
  assert.equal(render("{{ with .workload.process.thread }}{{ .name }}/{{ .tid }}{{ end }}"), "bash/1007");
  assert.equal(render("{{ with .nothing }}x{{ else }}none{{ end }}"), "none");
  assert.equal(
    render('{{ if ne .id 1 }}{{ if le .id 1015 }}{{ if lt "a" "b" }}ok{{ end }}{{ end }}{{ end }}'),
    "ok",
  );
  assert.equal(render('{{ if eq .name "a" "sched_process_exec" }}one of{{ end }}'), "one of");
});

Deno.test("template: pipelines, variables, printf, len, index, json and trim markers", () => {
  assert.equal(render('{{ printf "%-20s|%6d|%q" .name .id "x" }}'), 'sched_process_exec  |  1015|"x"');
  assert.equal(render('{{ .name | printf "<%s>" }}'), "<sched_process_exec>");
  assert.equal(
    render('{{ $n := len .data }}{{ $n }} {{ index .policies.matched 1 }} {{ index .data 1 "str" }}'),
    "2 shell /usr/bin/ls",
  );
  assert.equal(render("{{ json .policies }}"), '{"matched":["severe","shell"]}');
  assert.equal(render("a  {{- .id -}}  b"), "a1015b");
  assert.equal(render("x{{/* a comment */}}y"), "xy");
  assert.equal(render('{{ print "a" 1 2 "b" }}'), "a1 2b");
  assert.equal(render("{{ .name }}\n"), "sched_process_exec", "a trailing newline is the line's own end");
});

Deno.test("template: a parse error names the template and the line", () => {
  assert.equal(
    parseError("line one\n{{ .name }}\n{{ if }}x{{ end }}"),
    "gotemplate=/t.tmpl: line 3: missing value for if",
  );
  assert.equal(
    parseError("a\n\n{{ range .data }}"),
    "gotemplate=/t.tmpl: line 3: unexpected EOF: missing {{end}}",
  );
  assert.equal(parseError("{{ .a }}\n{{ end }}"), "gotemplate=/t.tmpl: line 2: unexpected {{end}}");
  assert.equal(parseError("\n{{ nosuch .a }}"), 'gotemplate=/t.tmpl: line 2: function "nosuch" not defined');
  assert.equal(parseError('{{ "open }}'), "gotemplate=/t.tmpl: line 1: unterminated quoted string");
  assert.equal(parseError("{{ .a "), "gotemplate=/t.tmpl: line 1: unclosed action");
  assert.equal(parseError("{{ break }}"), "gotemplate=/t.tmpl: line 1: {{break}} outside {{range}}");
});

Deno.test("template files: loaded through createFormatter, errors name the file", async () => {
  const dir = await Deno.makeTempDir();
  const good = join(dir, "good.tmpl");
  const bad = join(dir, "bad.tmpl");
  await Deno.writeTextFile(good, "{{ .timestamp }} {{ .name }}\n");
  await Deno.writeTextFile(bad, "ok\n{{ if .name }}\n");
  assert.equal(createFormatter(`gotemplate=${good}`).format(event), `${event.timestamp} sched_process_exec`);
  assert.throws(() => loadTemplateFormatter(bad), {
    message: `gotemplate=${bad}: line 2: unexpected EOF: missing {{end}}`,
  });
  assert.throws(() => loadTemplateFormatter(join(dir, "none.tmpl")), /none\.tmpl: cannot read the template/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("template: Tracee's Go field names read the same event", () => {
  assert.equal(render("{{ .Workload.Process.Thread.Name }}/{{ .Workload.Process.Pid.Value }}"), "bash/1007");
  assert.equal(
    render("{{ .Workload.Process.RealUser.Id.Value }} {{ .Workload.Process.HostPid.Value }}"),
    "0 1007",
  );
  assert.equal(
    render('{{ .Name }} {{ .Id }} {{ printf "%d" .Id }} {{ if eq .Id 1015 }}1015{{ end }}'),
    "sched_process_exec sched_process_exec 1015 1015",
  );
  assert.equal(render("{{ .Timestamp.Seconds }}.{{ .Timestamp.Nanos }}"), "1795867200.7123456");
  assert.equal(render('{{ .Timestamp.AsTime.Format "15:04:05.000000" }}'), "12:00:00.007123");
  assert.equal(render("{{ .Timestamp }}"), event.timestamp);
  assert.equal(render("{{ range .Data }}{{ .Name }}={{ .Value }};{{ end }}"), "seq=7;pathname=/usr/bin/ls;");
  assert.equal(render("{{ range .Data }}[{{ .Value.Str }}]{{ end }}"), "[<no value>][/usr/bin/ls]");
  assert.equal(render("{{ (index .Data 0).Value.Int32 }}"), "7");
  assert.equal(render("{{ .Policies.Matched }}"), "[severe shell]");
  // The forms Tracee's documentation shows work too.
  assert.equal(render("{{ .timestamp.seconds }} {{ .workload.process.pid.value }}"), "1795867200 1007");
});

Deno.test("template: a runtime error fails that event only, with the template and the reason", () => {
  const formatter = templateFormatter("{{ index .policies.matched 5 }}", "gotemplate=/t.tmpl");
  assert.throws(
    () => formatter.format(event),
    (e) =>
      e instanceof FormatError &&
      e.message ===
        `gotemplate=/t.tmpl: event sched_process_exec at ${event.timestamp}: index out of range: 5`,
  );
  const ok = templateFormatter("{{ index .policies.matched 1 }}", "gotemplate=/t.tmpl");
  assert.equal(ok.format(event), "shell");
  // Go prints an invalid code point as the replacement character; the run goes on.
  assert.equal(render('{{ printf "%c" -1 }}'), "\ufffd");
});

Deno.test("template: a step budget ends loops and growth that would stall the run", () => {
  for (
    const source of [
      "{{ range 100000000 }}x{{ end }}",
      '{{ repeat 100000000 "x" }}',
      "{{ until 100000000 }}",
      "{{ range $i := until 10000 }}{{ range until 10000 }}{{ end }}{{ end }}",
    ]
  ) {
    const started = performance.now();
    assert.throws(() => render(source), FormatError, source);
    // Not a timing assertion of speed: only that the run ends at all, long before a hang would.
    assert(performance.now() - started < 60_000, source);
  }
  const tight = templateFormatter("{{ range 100 }}x{{ end }}", "t", { limits: { steps: 50, chars: 1000 } });
  assert.throws(() => tight.format(event), /stopped after 50 steps/);
  const narrow = templateFormatter('{{ repeat 20 "ab" }}', "t", { limits: { steps: 1000, chars: 10 } });
  assert.throws(() => narrow.format(event), /stopped after 10 characters of output/);
});

Deno.test("sluice replaying through a runaway template ends, every event counted failed, one warning, exit 3", async () => {
  const dir = await Deno.makeTempDir();
  const template = join(dir, "loop.tmpl");
  await Deno.writeTextFile(template, "{{ range 100000000 }}x{{ end }}");
  const input = join(dir, "in.jsonl");
  await Deno.writeTextFile(input, [0, 1, 2].map((i) => JSON.stringify(makeEvent(i))).join("\n") + "\n");
  const out = join(dir, "out.txt");
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../main.ts", import.meta.url).pathname,
      "--input",
      input,
      "-o",
      `gotemplate=${template}:${out}`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const { stderr, code } = await child.output();
  const text = new TextDecoder().decode(stderr);
  assert.match(text, new RegExp(`destination ${out}gotemplate=${template}: delivered 0, failed 3`));
  assert.match(text, /stream default-stream: matched 3, delivered 0, dropped 0, failed 3/);
  assert.equal(text.match(/could not be formatted/g)?.length, 1, text);
  assert.equal(await Deno.readTextFile(out), "");
  // A block-mode stream accepted events that were not delivered: delivery's exit status says so.
  assert.equal(code, 3, text);
  assert.match(text, /3 event\(s\) accepted by block-mode streams were not delivered/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("SIGTERM ends a run whose template fails every event at its budget", async () => {
  const dir = await Deno.makeTempDir();
  const template = join(dir, "loop.tmpl");
  await Deno.writeTextFile(template, "{{ range 100000000 }}x{{ end }}");
  const input = join(dir, "in.jsonl");
  const line = JSON.stringify(makeEvent(0));
  await Deno.writeTextFile(input, Array.from({ length: 20000 }, () => line).join("\n") + "\n");
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../main.ts", import.meta.url).pathname,
      "--input",
      input,
      "-o",
      `gotemplate=${template}:${join(dir, "out")}`,
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  child.kill("SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stopped = await Promise.race([
    child.output(),
    new Promise((resolve) => timer = setTimeout(() => resolve("still running"), 60_000)),
  ]);
  clearTimeout(timer);
  assert.notEqual(stopped, "still running", "the run did not end after SIGTERM");
  const text = new TextDecoder().decode((stopped as Deno.CommandOutput).stderr);
  // Fewer than all 20,000 were taken in: the signal stopped the replay, and what was taken was counted failed.
  const failed = Number(/delivered 0, failed (\d+)/.exec(text)?.[1]);
  assert.ok(failed > 0 && failed < 20000, text);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("template: a template cannot call into event data or reach JavaScript internals", () => {
  const mine = makeEvent(1);
  assert.throws(() => templateFormatter("{{ .data.push 1 }}", "t").format(mine), FormatError);
  assert.equal(mine.data!.length, 2);
  assert.equal(
    render("{{ .Timestamp.AsTime.constructor }}|{{ .data.constructor }}"),
    "<no value>|<no value>",
  );
  assert.throws(() => render("{{ .Timestamp.AsTime.constructor 1 }}"), FormatError);
});

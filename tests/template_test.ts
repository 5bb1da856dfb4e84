// The gotemplate format: Go text/template syntax over the event's JSON fields.
import assert from "node:assert/strict";
import { join } from "node:path";
import { createFormatter } from "../lib/format/create.ts";
import { loadTemplateFormatter, templateFormatter } from "../lib/format/template.ts";
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

// Tracee's own printer test cases (fixtures/tracee/printer.json) run against sluice's formats.
import assert from "node:assert/strict";
import type { Event } from "../lib/events/event.ts";
import { createTableFormatter } from "../lib/format/table.ts";
import { jsonFormatter } from "../lib/format/json.ts";
import { templateFormatter } from "../lib/format/template.ts";
import type { Formatter } from "../lib/format/format.ts";

interface Case {
  case: string;
  format: "gotemplate" | "json" | "table";
  template?: string;
  containers?: boolean;
  event?: Event;
  contains?: string[];
  line?: string;
  header?: string;
}

const { cases } = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/tracee/printer.json", import.meta.url)),
) as { cases: Case[] };

function formatterOf(c: Case): Formatter {
  if (c.format === "gotemplate") return templateFormatter(c.template!, "gotemplate=/fixture.tmpl");
  if (c.format === "json") return jsonFormatter;
  return createTableFormatter({ containers: c.containers });
}

for (const c of cases) {
  Deno.test(`tracee printer: ${c.case}`, () => {
    const formatter = formatterOf(c);
    if (c.header !== undefined) assert.equal(formatter.header, c.header);
    if (c.event === undefined) return;
    const line = formatter.format(c.event);
    for (const text of c.contains ?? []) assert.ok(line.includes(text), `${text} in ${line}`);
    if (c.line !== undefined) assert.equal(line, c.line);
  });
}

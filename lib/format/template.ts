/**
 * The `gotemplate=PATH` format: a Go text/template over the event's JSON fields
 * (`{{ .name }}`, `{{ range .data }}`, `{{ if }}`), parsed once when the destination opens.
 *
 * No maintained npm package implements Go's template language with parse errors that name
 * a line, so sluice carries a small implementation of it (lexer, parser, executor).
 *
 * @module
 */

import type { Event } from "../events/event.ts";
import { execute, FUNCTIONS, TemplateExecError } from "./gotemplate_exec.ts";
import { TemplateSyntaxError } from "./gotemplate_lex.ts";
import { parseTemplate } from "./gotemplate_parse.ts";
import type { Formatter } from "./format.ts";

const FUNCTION_NAMES: ReadonlySet<string> = new Set(Object.keys(FUNCTIONS));

/**
 * A formatter from template text. `label` names the template in errors (Tracee's
 * `gotemplate=PATH`). Throws `Error("LABEL: line N: ...")` when the template does not parse.
 */
export function templateFormatter(source: string, label: string): Formatter {
  let nodes;
  try {
    nodes = parseTemplate(source, FUNCTION_NAMES);
  } catch (error) {
    if (error instanceof TemplateSyntaxError) throw new Error(`${label}: ${error.message}`);
    throw error;
  }
  return {
    format(event: Event): string {
      try {
        // A template usually ends its own line; the formatter contract adds the newline.
        return execute(nodes, event).replace(/\n$/, "");
      } catch (error) {
        if (error instanceof TemplateExecError) return `${label}: template error: ${error.message}`;
        throw error;
      }
    },
  };
}

/**
 * Reads and parses the template at `path`; throws an `Error` naming the file (and the
 * line, for a syntax error) when it cannot be read or parsed.
 */
export function loadTemplateFormatter(path: string): Formatter {
  const label = `gotemplate=${path}`;
  let source: string;
  try {
    source = Deno.readTextFileSync(path);
  } catch (error) {
    throw new Error(`${label}: cannot read the template: ${(error as Error).message}`);
  }
  return templateFormatter(source, label);
}

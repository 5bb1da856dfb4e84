/**
 * The `gotemplate=PATH` format: a Go text/template over the event, parsed once when the
 * destination opens. Fields read by the event's JSON names (`{{ .workload.process.pid }}`)
 * or by the Go names of Tracee's protobuf event (`{{ .Workload.Process.Pid.Value }}`), with
 * Go's functions and Sprig's.
 *
 * No maintained npm package implements Go's template language with parse errors that name
 * a line, so sluice carries a small implementation of it (lexer, parser, executor).
 *
 * @module
 */

import type { Event } from "../events/event.ts";
import { BUILTINS } from "./gotemplate_builtins.ts";
import { execute, type Functions, TemplateExecError } from "./gotemplate_exec.ts";
import type { Limits } from "./gotemplate_budget.ts";
import { TemplateSyntaxError } from "./gotemplate_lex.ts";
import { parseTemplate } from "./gotemplate_parse.ts";
import { FormatError, type Formatter } from "./format.ts";
import { SPRIG_DATA } from "./sprig_data.ts";
import { SPRIG_MATH_TIME } from "./sprig_math_time.ts";
import { SPRIG_TEXT } from "./sprig_text.ts";

/** Every function a template may call: Sprig's, then Go's own (which win on a shared name, as in Go). */
export const TEMPLATE_FUNCTIONS: Functions = {
  ...SPRIG_TEXT,
  ...SPRIG_DATA,
  ...SPRIG_MATH_TIME,
  ...BUILTINS,
};

const FUNCTION_NAMES: ReadonlySet<string> = new Set(Object.keys(TEMPLATE_FUNCTIONS));

/** Options of {@link templateFormatter}. */
export interface TemplateOptions {
  /** The work one event's run may do. @default {DEFAULT_LIMITS} */
  limits?: Readonly<Limits>;
}

/**
 * A formatter from template text. `label` names the template in errors (Tracee's
 * `gotemplate=PATH`). Throws `Error("LABEL: line N: ...")` when the template does not parse;
 * its `format` throws {@link FormatError} when a run fails for one event.
 */
export function templateFormatter(source: string, label: string, options: TemplateOptions = {}): Formatter {
  let nodes;
  try {
    nodes = parseTemplate(source, FUNCTION_NAMES);
  } catch (error) {
    if (error instanceof TemplateSyntaxError) throw new Error(`${label}: ${error.message}`);
    throw error;
  }
  const run = { functions: TEMPLATE_FUNCTIONS, limits: options.limits };
  return {
    format(event: Event): string {
      try {
        // A template usually ends its own line; the formatter contract adds the newline.
        return execute(nodes, event, run).replace(/\n$/, "");
      } catch (error) {
        if (error instanceof TemplateExecError) {
          throw new FormatError(`${label}: event ${event.name} at ${event.timestamp}: ${error.message}`);
        }
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

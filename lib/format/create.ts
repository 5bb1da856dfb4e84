/**
 * Picks the formatter a destination's `format` names.
 *
 * @module
 */

import type { Formatter } from "./format.ts";
import { jsonFormatter } from "./json.ts";
import { createTableFormatter, type TableOptions } from "./table.ts";
import { loadTemplateFormatter } from "./template.ts";

/** Options of {@link createFormatter}. */
export interface FormatterOptions extends TableOptions {}

/** The formatter for `json`, `table` or `gotemplate=PATH`; throws on anything else. */
export function createFormatter(format: string, options: FormatterOptions = {}): Formatter {
  if (format === "json") return jsonFormatter;
  if (format === "table") return createTableFormatter(options);
  if (format.startsWith("gotemplate=")) return loadTemplateFormatter(format.slice("gotemplate=".length));
  throw new Error(`unknown format "${format}": use json, table or gotemplate=PATH`);
}

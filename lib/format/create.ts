/**
 * Picks the formatter a destination's `format` names.
 *
 * @module
 */

import type { Formatter } from "./format.ts";
import { jsonFormatter } from "./json.ts";
import { tableFormatter } from "./table.ts";
import { loadTemplateFormatter } from "./template.ts";

/** The formatter for `json`, `table` or `gotemplate=PATH`; throws on anything else. */
export function createFormatter(format: string): Formatter {
  if (format === "json") return jsonFormatter;
  if (format === "table") return tableFormatter;
  if (format.startsWith("gotemplate=")) return loadTemplateFormatter(format.slice("gotemplate=".length));
  throw new Error(`unknown format "${format}": use json, table or gotemplate=PATH`);
}

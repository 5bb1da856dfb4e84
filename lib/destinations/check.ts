/**
 * Pre-flight checks of a destination, for `sluice validate` and before anything starts:
 * its URL parameters and its template, every problem on one line naming the destination
 * and the value. Reads the template and CA files, nothing else.
 *
 * @module
 */

import type { DestinationConfig } from "../config/types.ts";
import { loadTemplateFormatter } from "../format/template.ts";
import { parseForward, parseWebhook } from "./url_options.ts";

const TEMPLATE = "gotemplate=";

/** Every problem with `config`'s URL parameters and template; empty when it can open. */
export function destinationProblems(config: DestinationConfig): string[] {
  const problems: string[] = [];
  let format = config.format;
  if (config.type === "webhook") {
    const parsed = parseWebhook(config);
    if (parsed.ok) format = parsed.settings.format;
    else problems.push(...parsed.problems);
  } else if (config.type === "forward") {
    const parsed = parseForward(config);
    if (!parsed.ok) problems.push(...parsed.problems);
    else if (parsed.settings.tlsCA !== undefined) {
      try {
        Deno.readTextFileSync(parsed.settings.tlsCA);
      } catch (error) {
        problems.push(
          `destinations.${config.name}.url: tlsCA=${parsed.settings.tlsCA}: ${(error as Error).message}`,
        );
      }
    }
  }
  if (format.startsWith(TEMPLATE)) {
    try {
      loadTemplateFormatter(format.slice(TEMPLATE.length));
    } catch (error) {
      const field = format === config.format ? "format" : "url";
      problems.push(`destinations.${config.name}.${field}: ${(error as Error).message}`);
    }
  }
  return problems;
}

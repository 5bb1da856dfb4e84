/**
 * Pre-flight checks of a destination, for `sluice validate` and before anything starts:
 * its URL parameters (read by the same function the destination runs with), its template
 * and its CA file, every problem on one line naming the destination and the value. Reads
 * the template and CA files, nothing else.
 *
 * @module
 */

import type { DestinationConfig } from "../config/types.ts";
import { forwardConfigSettings, webhookConfigSettings } from "../config/url_params.ts";
import { loadTemplateFormatter } from "../format/template.ts";

const TEMPLATE = "gotemplate=";

function templateProblems(config: DestinationConfig, format: string): string[] {
  if (!format.startsWith(TEMPLATE)) return [];
  try {
    loadTemplateFormatter(format.slice(TEMPLATE.length));
    return [];
  } catch (error) {
    const field = format === config.format ? "format" : "url";
    return [`destinations.${config.name}.${field}: ${(error as Error).message}`];
  }
}

function caProblems(config: DestinationConfig, path: string | undefined): string[] {
  if (path === undefined) return [];
  try {
    Deno.readTextFileSync(path);
    return [];
  } catch (error) {
    return [`destinations.${config.name}.url: parameter tlsCA: ${path}: ${(error as Error).message}`];
  }
}

/** Every problem with `config`'s URL parameters, template and CA file; empty when it can open. */
export function destinationProblems(config: DestinationConfig): string[] {
  if (config.type === "webhook") {
    const { settings, problems } = webhookConfigSettings(config);
    return settings === undefined ? problems : templateProblems(config, settings.format);
  }
  if (config.type === "forward") {
    const { settings, problems } = forwardConfigSettings(config);
    if (settings === undefined) return problems;
    return [...templateProblems(config, config.format), ...caProblems(config, settings.tlsCA)];
  }
  return templateProblems(config, config.format);
}

/**
 * The `--config` file -> its `output:` mapping. Other top-level keys belong to other Tracee
 * settings and are left alone.
 *
 * @module
 */

import { parseYaml } from "../yaml_loader.ts";
import { isRawMap, type RawMap } from "./raw.ts";
import { show } from "./schema.ts";

/**
 * The file's `output:` section (undefined when it has none): a mapping, or Tracee's list
 * form (a list of `--output` values); or the problems that stopped reading it.
 */
export interface OutputSection {
  output?: RawMap | unknown[];
  problems: string[];
}

/** Parses YAML `text` read from `path` (with the safe loader) and returns its `output:` section. */
export function readOutputSection(text: string, path: string): OutputSection {
  const label = `--config ${path}`;
  const { values, problems } = parseYaml(text, label);
  if (problems.length > 0) return { problems };
  if (values.length > 1) {
    return { problems: [`${label}: holds ${values.length} YAML documents; a configuration is one document`] };
  }
  const top = values[0];
  if (top === null || top === undefined) return { problems: [] };
  if (!isRawMap(top)) {
    return {
      problems: [`--config ${path}: expected a mapping of settings at the top level, got ${show(top)}`],
    };
  }
  const output = top.output;
  if (output === undefined || output === null) return { problems: [] };
  if (!isRawMap(output) && !Array.isArray(output)) {
    return {
      problems: [
        `output: expected a mapping with destinations and streams, or a list of --output values, got ${
          show(output)
        }`,
      ],
    };
  }
  return { output, problems: [] };
}

/**
 * The `--config` file -> its `output:` mapping. Other top-level keys belong to other Tracee
 * settings and are left alone.
 *
 * @module
 */

import { LineCounter, parseDocument } from "yaml";
import { isRawMap, type RawMap } from "./raw.ts";

/**
 * The file's `output:` section (undefined when it has none): a mapping, or Tracee's list
 * form (a list of `--output` values); or the problems that stopped reading it.
 */
export interface OutputSection {
  output?: RawMap | unknown[];
  problems: string[];
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (isRawMap(value)) return "a mapping";
  return JSON.stringify(value);
}

/** Parses YAML `text` read from `path` and returns its `output:` section. */
export function readOutputSection(text: string, path: string): OutputSection {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  // Later errors usually follow from the first one, so the first is the one worth reading.
  const [first] = document.errors;
  if (first !== undefined) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    return { problems: [`--config ${path}: line ${line}, column ${col}: ${first.message}`] };
  }
  const top = document.toJS();
  if (top === null || top === undefined) return { problems: [] };
  if (!isRawMap(top)) {
    return {
      problems: [`--config ${path}: expected a mapping of settings at the top level, got ${kindOf(top)}`],
    };
  }
  const output = top.output;
  if (output === undefined || output === null) return { problems: [] };
  if (!isRawMap(output) && !Array.isArray(output)) {
    return {
      problems: [
        `output: expected a mapping with destinations and streams, or a list of --output values, got ${
          kindOf(output)
        }`,
      ],
    };
  }
  return { output, problems: [] };
}

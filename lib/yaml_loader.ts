/**
 * The one way sluice reads YAML (`--config` and `--policy` files): a bounded read, then a parse
 * that refuses what a configuration never needs and an attacker would use.
 *
 * - Files are read up to {@link MAX_YAML_BYTES}: `--config /dev/zero` fails at once instead of
 *   growing without end.
 * - Explicit tags (`!!binary`, `!!set`, `!custom`, ...) are refused: they change what a value
 *   means (`buffer: !!set {size}` would be a mapping of nulls) and no Tracee setting uses one.
 * - Alias expansion is limited ({@link MAX_ALIAS_COUNT}), so an alias bomb is a problem line,
 *   not a crash; nesting the parser cannot follow is reported as such.
 *
 * Every problem names the file and, where the parser knows it, the line and column.
 *
 * @module
 */

import { type Document, isNode, LineCounter, parseAllDocuments, visit } from "yaml";

/** The largest configuration or policy file sluice reads. */
export const MAX_YAML_BYTES = 1024 * 1024;

/** How many alias expansions one document may make (the `yaml` library's own default). */
export const MAX_ALIAS_COUNT = 100;

/** What a file held: every document's value, or the problems that stopped reading it. */
export interface YamlDocuments {
  /** One plain value per document (empty documents left out). */
  values: unknown[];
  /** One line each, naming the file; when not empty, `values` is empty. */
  problems: string[];
}

/** A file that could not be read within the bounds; the message names the file and what to do. */
export class YamlReadError extends Error {}

/**
 * Reads `path` as UTF-8 text of at most `maxBytes` bytes (named pipes and `<(cmd)` included).
 * Throws {@link YamlReadError} naming `label` when it cannot be read or is larger.
 */
export async function readBoundedText(
  path: string,
  label: string,
  maxBytes: number = MAX_YAML_BYTES,
): Promise<string> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    throw new YamlReadError(`${label}: cannot read it: ${(error as Error).message}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const buffer = new Uint8Array(64 * 1024);
    while (true) {
      const count = await file.read(buffer);
      if (count === null) break;
      size += count;
      if (size > maxBytes) {
        throw new YamlReadError(
          `${label}: larger than ${maxBytes} bytes, the most sluice reads from a configuration or policy file`,
        );
      }
      chunks.push(buffer.slice(0, count));
    }
  } catch (error) {
    if (error instanceof YamlReadError) throw error;
    throw new YamlReadError(`${label}: cannot read it: ${(error as Error).message}`);
  } finally {
    file.close();
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return new TextDecoder().decode(bytes);
}

/** `!!binary` for the core tag prefix, the tag as written otherwise. */
function shortTag(tag: string): string {
  return tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice("tag:yaml.org,2002:".length)}` : tag;
}

/** The text being parsed, what problems call it, and where its lines start. */
interface Source {
  text: string;
  label: string;
  lines: LineCounter;
}

function where({ label, lines }: Source, offset: number | undefined): string {
  if (offset === undefined) return label;
  const { line, col } = lines.linePos(offset);
  return `${label}: line ${line}, column ${col}`;
}

/** Where the tag written just before the value at `offset` starts (the value's own offset if none). */
function tagOffset(text: string, offset: number): number {
  let start = offset;
  while (start > 0 && /[ \t]/.test(text[start - 1])) start--;
  const end = start;
  while (start > 0 && !/\s/.test(text[start - 1])) start--;
  return text[start] === "!" && start < end ? start : offset;
}

/** The first explicit tag in `document`, as a problem line. */
function tagProblem(document: Document, source: Source): string | undefined {
  let problem: string | undefined;
  visit(document, (_key, node) => {
    if (!isNode(node) || node.tag === undefined) return;
    const offset = node.range ? tagOffset(source.text, node.range[0]) : undefined;
    problem = `${where(source, offset)}: YAML tag ${
      shortTag(node.tag)
    } is not accepted: write the plain value`;
    return visit.BREAK;
  });
  return problem;
}

function documentValue(document: Document, source: Source): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof ReferenceError) {
      throw new YamlReadError(
        `${where(source, document.range?.[0])}: aliases expand to more than ${MAX_ALIAS_COUNT} ` +
          "copies (an alias bomb?): write the values out",
      );
    }
    throw error;
  }
}

function documentProblem(document: Document, source: Source): string | undefined {
  // Later errors usually follow from the first one, so the first is the one worth reading.
  const [first] = document.errors;
  if (first !== undefined) {
    const message = first.code === "RESOURCE_EXHAUSTION"
      ? "nested too deeply to read"
      : first.message.split("\n")[0];
    return `${where(source, first.pos[0])}: ${message}`;
  }
  return tagProblem(document, source);
}

/**
 * Parses YAML `text` (one or more documents) read from the file `label` names. The first
 * problem of the file is returned in `problems`; nothing of a file with a problem is used.
 */
export function parseYaml(text: string, label: string): YamlDocuments {
  const source: Source = { text, label, lines: new LineCounter() };
  try {
    const documents = parseAllDocuments(text, {
      lineCounter: source.lines,
      prettyErrors: false,
      resolveKnownTags: false,
      merge: false,
      uniqueKeys: true,
    });
    if (!Array.isArray(documents)) return { values: [], problems: [] };
    const values: unknown[] = [];
    for (const document of documents) {
      const problem = documentProblem(document, source);
      if (problem !== undefined) return { values: [], problems: [problem] };
      const value = documentValue(document, source);
      if (value !== null && value !== undefined) values.push(value);
    }
    return { values, problems: [] };
  } catch (error) {
    if (error instanceof YamlReadError) return { values: [], problems: [error.message] };
    if (error instanceof RangeError) return { values: [], problems: [`${label}: nested too deeply to read`] };
    throw error;
  }
}

/** Reads (bounded) and parses the YAML file at `path`; problems name it as `label`. */
export async function loadYamlFile(path: string, label: string = path): Promise<YamlDocuments> {
  let text: string;
  try {
    text = await readBoundedText(path, label);
  } catch (error) {
    if (error instanceof YamlReadError) return { values: [], problems: [error.message] };
    throw error;
  }
  return parseYaml(text, label);
}

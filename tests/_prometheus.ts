// A strict reader of the Prometheus text format (0.0.4) for the tests: every rule the format
// states is checked, so a writer that breaks one fails here rather than in a scraper.

/** One parsed sample. */
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A parsed exposition: families' types and help, and every sample. */
export interface Parsed {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: ParsedSample[];
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const LABEL = "[a-zA-Z_][a-zA-Z0-9_]*";
const VALUE = /^(NaN|[+-]Inf|[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)$/;

function unescape(text: string, quotes: boolean): string {
  return text.replace(/\\(.)/g, (_, c) => {
    if (c === "n") return "\n";
    if (c === "\\") return "\\";
    if (c === '"' && quotes) return '"';
    throw new Error(`invalid escape \\${c}`);
  });
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pair = new RegExp(`^(${LABEL})="((?:[^"\\\\\\n]|\\\\.)*)"(,|$)`);
  let rest = text;
  while (rest !== "") {
    const match = pair.exec(rest);
    if (match === null) throw new Error(`bad labels in: ${line}`);
    if (match[1] in labels) throw new Error(`label ${match[1]} repeated in: ${line}`);
    labels[match[1]] = unescape(match[2], true);
    rest = rest.slice(match[0].length);
  }
  return labels;
}

function numberOf(text: string, line: string): number {
  if (!VALUE.test(text)) throw new Error(`bad value in: ${line}`);
  if (text === "NaN") return NaN;
  if (text.endsWith("Inf")) return text.startsWith("-") ? -Infinity : Infinity;
  return Number(text);
}

/** Parses `text`, throwing on the first line that breaks the format. */
export function parseExposition(text: string): Parsed {
  if (text !== "" && !text.endsWith("\n")) throw new Error("the exposition must end with a newline");
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: ParsedSample[] = [];
  const closed = new Set<string>();
  let current: string | undefined;
  const sampleLine = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)( -?\\d+)?$`);
  for (const line of text.split("\n").slice(0, -1)) {
    const meta = new RegExp(`^# (HELP|TYPE) (${NAME}) (.*)$`).exec(line);
    if (meta !== null) {
      const [, kind, name, rest] = meta;
      if (closed.has(name)) throw new Error(`family ${name} appears twice`);
      if (current !== undefined && current !== name) closed.add(current);
      current = name;
      const seen = kind === "HELP" ? help : types;
      if (seen.has(name)) throw new Error(`${kind} repeated for ${name}`);
      if (kind === "TYPE" && !["counter", "gauge", "histogram", "summary", "untyped"].includes(rest)) {
        throw new Error(`bad type in: ${line}`);
      }
      if (kind === "TYPE" && samples.some((s) => s.name === name)) {
        throw new Error(`TYPE after samples: ${line}`);
      }
      seen.set(name, kind === "HELP" ? unescape(rest, false) : rest);
      continue;
    }
    if (line.startsWith("#") || line.trim() === "") continue;
    const match = sampleLine.exec(line);
    if (match === null) throw new Error(`bad sample line: ${line}`);
    const [, name, labelText, value] = match;
    if (closed.has(name)) throw new Error(`sample of ${name} outside its family: ${line}`);
    if (current !== undefined && current !== name) closed.add(current);
    current = name;
    samples.push({ name, labels: parseLabels(labelText ?? "", line), value: numberOf(value, line) });
  }
  return { types, help, samples };
}

/** The value of `name` with exactly `labels`, or undefined. */
export function sampleValue(
  parsed: Parsed,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  return parsed.samples.find((s) =>
    s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === wanted
  )
    ?.value;
}

/**
 * The lexer of Go's text/template syntax: text, and actions between `{{` and `}}` with
 * trim markers (`{{- ` and ` -}}`) and comments (`{{/* ... *\/}}`).
 *
 * @module
 */

/**
 * A token kind. `text` is outside actions; the others are inside. `chain` is a field path
 * written right after a closing parenthesis: `(index .Data 0).Value`.
 */
export type TokenKind =
  | "text"
  | "open"
  | "close"
  | "field"
  | "variable"
  | "identifier"
  | "string"
  | "number"
  | "pipe"
  | "lparen"
  | "rparen"
  | "declare"
  | "assign"
  | "comma"
  | "dot"
  | "chain";

/** One token with the line (1-based) it starts on. */
export interface Token {
  kind: TokenKind;
  text: string;
  line: number;
}

/** A syntax error at a line of the template. */
export class TemplateSyntaxError extends Error {
  /** `line`: the 1-based line the error was found on. */
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

const SPACE = /\s/;
const IDENT = /[A-Za-z0-9_]/;

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** Splits a template into tokens; throws {@link TemplateSyntaxError} on bad syntax. */
export function lex(source: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let pos = 0;
  let trimNext = false;
  while (pos < source.length) {
    const open = source.indexOf("{{", pos);
    let text = source.slice(pos, open === -1 ? source.length : open);
    const startLine = line;
    line += countLines(text);
    if (trimNext) text = text.replace(/^\s+/, "");
    const trimBefore = open !== -1 && /^\{\{-\s/.test(source.slice(open, open + 4));
    if (trimBefore) text = text.replace(/\s+$/, "");
    if (text.length > 0) tokens.push({ kind: "text", text, line: startLine });
    if (open === -1) break;
    pos = open + (trimBefore ? 3 : 2);
    const result = lexAction(source, pos, line, tokens);
    pos = result.pos;
    line = result.line;
    trimNext = result.trimAfter;
  }
  return tokens;
}

interface ActionEnd {
  pos: number;
  line: number;
  trimAfter: boolean;
}

function lexAction(source: string, start: number, startLine: number, tokens: Token[]): ActionEnd {
  let pos = start;
  let line = startLine;
  while (SPACE.test(source[pos] ?? "")) if (source[pos++] === "\n") line++;
  if (source.startsWith("/*", pos)) {
    const end = source.indexOf("*/", pos + 2);
    if (end === -1) throw new TemplateSyntaxError(line, "unclosed comment");
    line += countLines(source.slice(pos, end));
    pos = end + 2;
    const close = /^(\s*-)?\s*\}\}/.exec(source.slice(pos));
    if (close === null) throw new TemplateSyntaxError(line, "comment ends before closing delimiter");
    return { pos: pos + close[0].length, line, trimAfter: close[1] !== undefined };
  }
  tokens.push({ kind: "open", text: "{{", line });
  let adjacent = false;
  for (;;) {
    if (pos >= source.length) throw new TemplateSyntaxError(startLine, "unclosed action");
    const c = source[pos];
    if (c === "\n") {
      line++;
      pos++;
      continue;
    }
    if (SPACE.test(c)) {
      adjacent = false;
      if (source.startsWith("-}}", pos + 1)) {
        tokens.push({ kind: "close", text: "}}", line });
        return { pos: pos + 4, line, trimAfter: true };
      }
      pos++;
      continue;
    }
    if (source.startsWith("}}", pos)) {
      tokens.push({ kind: "close", text: "}}", line });
      return { pos: pos + 2, line, trimAfter: false };
    }
    const token = lexToken(source, pos, line);
    if (token.kind === "field" && adjacent && tokens[tokens.length - 1].kind === "rparen") {
      token.kind = "chain";
    }
    adjacent = true;
    tokens.push(token);
    line += countLines(token.text);
    pos += token.text.length;
  }
}

function single(kind: TokenKind, text: string, line: number): Token {
  return { kind, text, line };
}

function lexToken(source: string, pos: number, line: number): Token {
  const c = source[pos];
  const rest = source.slice(pos);
  if (c === "|") return single("pipe", c, line);
  if (c === "(") return single("lparen", c, line);
  if (c === ")") return single("rparen", c, line);
  if (c === ",") return single("comma", c, line);
  if (rest.startsWith(":=")) return single("declare", ":=", line);
  if (c === "=") return single("assign", c, line);
  if (c === '"') {
    const m = /^"(?:[^"\\\n]|\\.)*"/.exec(rest);
    if (m === null) throw new TemplateSyntaxError(line, "unterminated quoted string");
    return single("string", m[0], line);
  }
  if (c === "`") {
    const end = source.indexOf("`", pos + 1);
    if (end === -1) throw new TemplateSyntaxError(line, "unterminated raw quoted string");
    return single("string", source.slice(pos, end + 1), line);
  }
  if (c === "." || c === "$") {
    const m = /^[.$][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*/.exec(rest)!;
    if (c === "." && m[0] === ".") return single("dot", ".", line);
    return single(c === "." ? "field" : "variable", m[0], line);
  }
  const num = /^[-+]?(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/.exec(rest);
  if (num !== null) return single("number", num[0], line);
  if (IDENT.test(c)) {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (m !== null) return single("identifier", m[0], line);
  }
  throw new TemplateSyntaxError(line, `unexpected ${JSON.stringify(rest.slice(0, 2))} in action`);
}

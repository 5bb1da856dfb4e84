/**
 * The parser of Go's text/template syntax: tokens to a tree of text, actions, `if`,
 * `range` and `with` (each with `else`/`else if`), `break` and `continue`, pipelines
 * with variables (`$x := ...`), function calls and parenthesized pipelines.
 *
 * @module
 */

import { lex, TemplateSyntaxError, type Token } from "./gotemplate_lex.ts";

/** One operand of a command. */
export type Arg =
  | { kind: "dot" }
  | { kind: "field"; path: string[] }
  | { kind: "variable"; name: string; path: string[] }
  | { kind: "literal"; value: unknown }
  | { kind: "func"; name: string }
  | { kind: "pipe"; pipe: Pipeline }
  | { kind: "chain"; target: Arg; path: string[] };

/** `$a, $b := cmd | cmd`: declared (or assigned) variables and the commands. */
export interface Pipeline {
  vars: string[];
  assign: boolean;
  commands: Arg[][];
  line: number;
}

/** `if`, `with` or `range`: a pipeline, its body, and the `else` branch. */
export interface BranchNode {
  kind: "if" | "with" | "range";
  pipe: Pipeline;
  body: Node[];
  otherwise: Node[];
}

/** A node of the parsed template. */
export type Node =
  | { kind: "text"; text: string }
  | { kind: "action"; pipe: Pipeline }
  | BranchNode
  | { kind: "break" | "continue"; line: number };

const LITERALS: Record<string, unknown> = { true: true, false: false, nil: null };

function unquote(text: string, line: number): string {
  if (text.startsWith("`")) return text.slice(1, -1);
  try {
    return JSON.parse(text.replace(/\\'/g, "'").replace(/\\a/g, "\\u0007").replace(/\\v/g, "\\u000b"));
  } catch {
    throw new TemplateSyntaxError(line, `bad quoted string ${text}`);
  }
}

class Parser {
  #pos = 0;
  #rangeDepth = 0;

  constructor(readonly tokens: Token[], readonly functions: ReadonlySet<string>) {}

  #peek(): Token | undefined {
    return this.tokens[this.#pos];
  }

  #next(): Token {
    const token = this.tokens[this.#pos++];
    if (token === undefined) {
      const last = this.tokens[this.tokens.length - 1];
      throw new TemplateSyntaxError(last?.line ?? 1, "unexpected end of template");
    }
    return token;
  }

  #expect(kind: Token["kind"], what: string): Token {
    const token = this.#next();
    if (token.kind !== kind) throw new TemplateSyntaxError(token.line, `unexpected "${token.text}" ${what}`);
    return token;
  }

  /** Parses nodes until one of `ends` (a keyword action) or the end of input; returns the keyword. */
  list(ends: readonly string[]): { nodes: Node[]; end: string; line: number } {
    const nodes: Node[] = [];
    for (;;) {
      const token = this.#peek();
      if (token === undefined) {
        if (ends.length > 0) {
          const line = this.tokens[this.tokens.length - 1]?.line ?? 1;
          throw new TemplateSyntaxError(line, `unexpected EOF: missing {{end}}`);
        }
        return { nodes, end: "", line: 0 };
      }
      this.#pos++;
      if (token.kind === "text") {
        nodes.push({ kind: "text", text: token.text });
        continue;
      }
      const word = this.#peek();
      if (word?.kind === "identifier" && (word.text === "end" || word.text === "else")) {
        if (!ends.includes(word.text)) {
          throw new TemplateSyntaxError(word.line, `unexpected {{${word.text}}}`);
        }
        this.#pos++;
        return { nodes, end: word.text, line: word.line };
      }
      nodes.push(this.#action());
    }
  }

  #action(): Node {
    const token = this.#peek()!;
    if (token.kind === "identifier") {
      switch (token.text) {
        case "if":
        case "with":
        case "range":
          this.#pos++;
          return this.#control(token.text);
        case "break":
        case "continue":
          this.#pos++;
          if (this.#rangeDepth === 0) {
            throw new TemplateSyntaxError(token.line, `{{${token.text}}} outside {{range}}`);
          }
          this.#expect("close", `in {{${token.text}}}`);
          return { kind: token.text, line: token.line };
        case "define":
        case "template":
        case "block":
          throw new TemplateSyntaxError(
            token.line,
            `{{${token.text}}} is not supported: use one template file`,
          );
      }
    }
    return { kind: "action", pipe: this.#pipeline("command", true) };
  }

  #control(kind: "if" | "with" | "range"): Node {
    const pipe = this.#pipeline(kind, kind !== "if");
    if (kind === "range") this.#rangeDepth++;
    const body = this.list(["end", "else"]);
    if (kind === "range") this.#rangeDepth--;
    let otherwise: Node[] = [];
    if (body.end === "else") {
      const next = this.#peek();
      if (next?.kind === "identifier" && (next.text === "if" || next.text === "with") && kind !== "range") {
        // `{{else if x}}` is an `if` nested in the else branch that shares this {{end}}.
        this.#pos++;
        otherwise = [this.#control(next.text)];
      } else {
        this.#expect("close", "after {{else}}");
        otherwise = this.list(["end"]).nodes;
        this.#expect("close", "after {{end}}");
      }
    } else {
      this.#expect("close", "after {{end}}");
    }
    return { kind, pipe, body: body.nodes, otherwise };
  }

  #pipeline(context: string, allowDeclare: boolean): Pipeline {
    const line = this.#peek()?.line ?? 1;
    const vars: string[] = [];
    let assign = false;
    const save = this.#pos;
    while (this.#peek()?.kind === "variable" && !this.#peek()!.text.includes(".")) {
      vars.push(this.#next().text);
      const sep = this.#peek();
      if (sep?.kind === "comma" && context === "range" && vars.length === 1) {
        this.#pos++;
        continue;
      }
      if (sep?.kind === "declare" || (sep?.kind === "assign" && context !== "range")) {
        assign = sep.kind === "assign";
        this.#pos++;
        break;
      }
      vars.length = 0;
      this.#pos = save;
      break;
    }
    if (vars.length > 0 && !allowDeclare && context !== "command") {
      throw new TemplateSyntaxError(line, `cannot declare variables in {{${context}}}`);
    }
    const commands: Arg[][] = [];
    for (;;) {
      const command = this.#command();
      if (command.length === 0) {
        const token = this.#peek();
        throw new TemplateSyntaxError(token?.line ?? line, `missing value for ${context}`);
      }
      commands.push(command);
      const token = this.#next();
      if (token.kind === "pipe") continue;
      if (token.kind === "close") return { vars, assign, commands, line };
      throw new TemplateSyntaxError(token.line, `unexpected "${token.text}" in ${context}`);
    }
  }

  #command(): Arg[] {
    const args: Arg[] = [];
    for (;;) {
      const token = this.#peek();
      if (token === undefined || token.kind === "close" || token.kind === "pipe" || token.kind === "rparen") {
        return args;
      }
      this.#pos++;
      args.push(this.#operand(token));
    }
  }

  #operand(token: Token): Arg {
    switch (token.kind) {
      case "dot":
        return { kind: "dot" };
      case "field":
        return { kind: "field", path: token.text.slice(1).split(".") };
      case "variable": {
        const [name, ...path] = token.text.split(".");
        return { kind: "variable", name, path };
      }
      case "string":
        return { kind: "literal", value: unquote(token.text, token.line) };
      case "number":
        return { kind: "literal", value: Number(token.text) };
      case "lparen": {
        const commands: Arg[][] = [];
        for (;;) {
          const command = this.#command();
          if (command.length === 0) throw new TemplateSyntaxError(token.line, "missing value in parentheses");
          commands.push(command);
          const end = this.#next();
          if (end.kind === "rparen") break;
          if (end.kind !== "pipe") {
            throw new TemplateSyntaxError(end.line, `unexpected "${end.text}" in parentheses`);
          }
        }
        const pipe: Arg = { kind: "pipe", pipe: { vars: [], assign: false, commands, line: token.line } };
        const chain = this.#peek();
        if (chain?.kind !== "chain") return pipe;
        this.#pos++;
        return { kind: "chain", target: pipe, path: chain.text.slice(1).split(".") };
      }
      case "identifier":
        if (Object.hasOwn(LITERALS, token.text)) return { kind: "literal", value: LITERALS[token.text] };
        if (!this.functions.has(token.text)) {
          throw new TemplateSyntaxError(token.line, `function "${token.text}" not defined`);
        }
        return { kind: "func", name: token.text };
      default:
        throw new TemplateSyntaxError(token.line, `unexpected "${token.text}"`);
    }
  }
}

/** Parses a template; throws {@link TemplateSyntaxError} naming the line on bad syntax. */
export function parseTemplate(source: string, functions: ReadonlySet<string>): Node[] {
  const tokens = lex(source);
  const parser = new Parser(tokens, functions);
  return parser.list([]).nodes;
}

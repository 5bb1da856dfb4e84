/**
 * Runs a parsed Go template over plain data (the event's JSON object), with Go's
 * built-in functions and Go's way of printing values (`<no value>`, `[a b]`, `map[k:v]`).
 *
 * @module
 */

import type { Arg, BranchNode, Node, Pipeline } from "./gotemplate_parse.ts";

/** An error while running a template (a bad argument to a function, an unknown variable). */
export class TemplateExecError extends Error {}

type Fn = (...args: unknown[]) => unknown;

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

/** Go's `%v` of a value; `top` prints a missing value as `<no value>`, nested as `<nil>`. */
export function goString(value: unknown, top = true): string {
  if (value === undefined) return top ? "<no value>" : "<nil>";
  if (value === null) return "<nil>";
  if (Array.isArray(value)) return `[${value.map((v) => goString(v, false)).join(" ")}]`;
  if (typeof value === "object") {
    const entries = Object.keys(value).sort().map((k) =>
      `${k}:${goString((value as Record<string, unknown>)[k], false)}`
    );
    return `map[${entries.join(" ")}]`;
  }
  return String(value);
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  throw new TemplateExecError(`incompatible types for comparison: ${goString(a)} and ${goString(b)}`);
}

function lengthOf(value: unknown): number {
  if (typeof value === "string" || Array.isArray(value)) return value.length;
  if (value !== null && typeof value === "object") return Object.keys(value).length;
  throw new TemplateExecError(`len of ${goString(value)}`);
}

function indexOf(value: unknown, ...keys: unknown[]): unknown {
  let current = value;
  for (const key of keys) {
    if (Array.isArray(current) || typeof current === "string") {
      if (typeof key !== "number" || key < 0 || key >= current.length) {
        throw new TemplateExecError(`index out of range: ${goString(key)}`);
      }
      current = current[key];
    } else if (current !== null && typeof current === "object") {
      current = (current as Record<string, unknown>)[String(key)];
    } else {
      throw new TemplateExecError(`can't index item of type ${current === null ? "nil" : typeof current}`);
    }
  }
  return current;
}

function pad(text: string, width: number, left: boolean, zero: boolean): string {
  if (text.length >= width) return text;
  if (left) return text.padEnd(width);
  return zero ? text.padStart(width, "0") : text.padStart(width);
}

/** Go's `fmt.Sprintf` for the verbs templates use: v s d q x X f t and %%. */
export function sprintf(format: string, ...args: unknown[]): string {
  let next = 0;
  return format.replace(/%([-0+ ]*)(\d*)(?:\.(\d+))?([vsdqxXftc%])/g, (_m, flags: string, w, p, verb) => {
    if (verb === "%") return "%";
    if (next >= args.length) return `%!${verb}(MISSING)`;
    const arg = args[next++];
    const precision = p === undefined ? undefined : Number(p);
    let text: string;
    switch (verb) {
      case "d":
        text = typeof arg === "number" ? Math.trunc(arg).toString() : goString(arg);
        break;
      case "f":
        text = typeof arg === "number" ? arg.toFixed(precision ?? 6) : `%!f(${goString(arg)})`;
        break;
      case "x":
      case "X": {
        const hex = typeof arg === "number"
          ? arg.toString(16)
          : [...new TextEncoder().encode(String(arg))].map((b) => b.toString(16).padStart(2, "0")).join("");
        text = verb === "X" ? hex.toUpperCase() : hex;
        break;
      }
      case "q":
        text = JSON.stringify(goString(arg));
        break;
      case "c":
        text = typeof arg === "number" ? String.fromCodePoint(arg) : goString(arg);
        break;
      default:
        text = goString(arg);
        if (precision !== undefined && verb === "s") text = text.slice(0, precision);
    }
    if (flags.includes("+") && typeof arg === "number" && arg >= 0) text = "+" + text;
    return pad(text, Number(w || 0), flags.includes("-"), flags.includes("0"));
  });
}

function equal(a: unknown, ...others: unknown[]): boolean {
  if (others.length === 0) throw new TemplateExecError("missing argument for comparison");
  return others.some((b) => a === b);
}

/** The functions a template may call: Go's built-ins and `json`. */
export const FUNCTIONS: Readonly<Record<string, Fn>> = {
  and: (...args) => args.find(isEmpty) ?? args[args.length - 1],
  or: (...args) => args.find((a) => !isEmpty(a)) ?? args[args.length - 1],
  not: (a) => isEmpty(a),
  len: lengthOf,
  index: indexOf,
  slice: (value, ...bounds) => {
    if (typeof value !== "string" && !Array.isArray(value)) {
      throw new TemplateExecError(`can't slice ${goString(value)}`);
    }
    return value.slice(...(bounds as number[]));
  },
  print: (...args) =>
    args.map((a, i) =>
      (i > 0 && typeof a !== "string" && typeof args[i - 1] !== "string" ? " " : "") + goString(a)
    )
      .join(""),
  println: (...args) => args.map((a) => goString(a)).join(" ") + "\n",
  printf: (format, ...args) => sprintf(String(format), ...args),
  eq: equal,
  ne: (a, b) => !equal(a, b),
  lt: (a, b) => compare(a, b) < 0,
  le: (a, b) => compare(a, b) <= 0,
  gt: (a, b) => compare(a, b) > 0,
  ge: (a, b) => compare(a, b) >= 0,
  json: (value) => JSON.stringify(value),
};

type Scope = Map<string, unknown>[];
const BREAK = Symbol("break");
const CONTINUE = Symbol("continue");

function lookup(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || current === undefined || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function variable(scope: Scope, name: string): unknown {
  for (let i = scope.length - 1; i >= 0; i--) {
    if (scope[i].has(name)) return scope[i].get(name);
  }
  throw new TemplateExecError(`undefined variable: ${name}`);
}

function setVariable(scope: Scope, name: string, value: unknown): void {
  for (let i = scope.length - 1; i >= 0; i--) {
    if (scope[i].has(name)) {
      scope[i].set(name, value);
      return;
    }
  }
  throw new TemplateExecError(`undefined variable: ${name}`);
}

function evalArg(arg: Arg, dot: unknown, scope: Scope): unknown {
  switch (arg.kind) {
    case "dot":
      return dot;
    case "field":
      return lookup(dot, arg.path);
    case "variable":
      return lookup(variable(scope, arg.name), arg.path);
    case "literal":
      return arg.value;
    case "pipe":
      return evalPipeline(arg.pipe, dot, scope);
    case "func":
      return FUNCTIONS[arg.name]();
  }
}

function evalPipeline(pipe: Pipeline, dot: unknown, scope: Scope): unknown {
  let value: unknown = undefined;
  pipe.commands.forEach((command, i) => {
    const [head, ...rest] = command;
    const args = rest.map((a) => evalArg(a, dot, scope));
    if (i > 0) args.push(value);
    if (head.kind === "func") {
      value = FUNCTIONS[head.name](...args);
    } else {
      if (args.length > 0) {
        throw new TemplateExecError(`line ${pipe.line}: can't give argument to non-function`);
      }
      value = evalArg(head, dot, scope);
    }
  });
  if (pipe.vars.length > 0) {
    if (pipe.assign) setVariable(scope, pipe.vars[0], value);
    else scope[scope.length - 1].set(pipe.vars[0], value);
  }
  return value;
}

function entries(value: unknown): [unknown, unknown][] {
  if (Array.isArray(value)) return value.map((v, i) => [i, v]);
  if (typeof value === "number") return Array.from({ length: Math.max(0, value) }, (_, i) => [i, i]);
  if (value !== null && typeof value === "object") {
    return Object.keys(value).sort().map((k) => [k, (value as Record<string, unknown>)[k]]);
  }
  if (value === undefined || value === null) return [];
  throw new TemplateExecError(`range can't iterate over ${goString(value)}`);
}

function run(
  nodes: readonly Node[],
  dot: unknown,
  scope: Scope,
  out: string[],
): typeof BREAK | typeof CONTINUE | void {
  scope.push(new Map());
  try {
    for (const node of nodes) {
      const signal = runNode(node, dot, scope, out);
      if (signal !== undefined) return signal;
    }
  } finally {
    scope.pop();
  }
}

function runNode(
  node: Node,
  dot: unknown,
  scope: Scope,
  out: string[],
): typeof BREAK | typeof CONTINUE | void {
  switch (node.kind) {
    case "text":
      out.push(node.text);
      return;
    case "action": {
      const value = evalPipeline(node.pipe, dot, scope);
      if (node.pipe.vars.length === 0) out.push(goString(value));
      return;
    }
    case "break":
      return BREAK;
    case "continue":
      return CONTINUE;
    case "if":
    case "with": {
      scope.push(new Map());
      try {
        const value = evalPipeline(node.pipe, dot, scope);
        if (isEmpty(value)) return run(node.otherwise, dot, scope, out);
        return run(node.body, node.kind === "with" ? value : dot, scope, out);
      } finally {
        scope.pop();
      }
    }
    case "range":
      return runRange(node, dot, scope, out);
  }
}

function runRange(node: BranchNode, dot: unknown, scope: Scope, out: string[]): void {
  const items = entries(evalPipeline({ ...node.pipe, vars: [] }, dot, scope));
  if (items.length === 0) {
    run(node.otherwise, dot, scope, out);
    return;
  }
  const vars = node.pipe.vars;
  for (const [key, value] of items) {
    scope.push(new Map());
    if (vars.length === 1) scope[scope.length - 1].set(vars[0], value);
    if (vars.length === 2) scope[scope.length - 1].set(vars[0], key).set(vars[1], value);
    try {
      if (run(node.body, value, scope, out) === BREAK) return;
    } finally {
      scope.pop();
    }
  }
}

/** Runs the template over `data` and returns the text. */
export function execute(nodes: readonly Node[], data: unknown): string {
  const out: string[] = [];
  run(nodes, data, [new Map([["$", data]])], out);
  return out.join("");
}

/**
 * Runs a parsed Go template over an event: Go's control flow, variables and pipelines, with
 * field steps resolved by JSON or Go name ({@link fieldOf}), Go's way of printing values, and
 * a budget of work per run, so one event's template cannot loop or grow without end.
 *
 * @module
 */

import type { Arg, BranchNode, Node, Pipeline } from "./gotemplate_parse.ts";
import { charge, chargeOutput, DEFAULT_LIMITS, type Limits, withBudget } from "./gotemplate_budget.ts";
import type { TemplateFunction } from "./gotemplate_builtins.ts";
import {
  fieldOf,
  goMember,
  goString,
  isEmpty,
  isGoStruct,
  plain,
  TemplateExecError,
} from "./gotemplate_value.ts";

export { TemplateExecError } from "./gotemplate_value.ts";

/** The functions a run may call, by name. */
export type Functions = Readonly<Record<string, TemplateFunction>>;

type Scope = Map<string, unknown>[];
const BREAK = Symbol("break");
const CONTINUE = Symbol("continue");

function lookup(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) current = fieldOf(current, key);
  return current;
}

/**
 * `.a.b.Method arg...`: a method of a Go value (`.Timestamp.AsTime.Format "15:04"`) called
 * with arguments. Only Go values have methods: event data is never called into, so a
 * template cannot change the event other destinations format.
 */
function callMethod(receiver: unknown, path: readonly string[], args: unknown[], line: number): unknown {
  const target = lookup(receiver, path.slice(0, -1));
  const method = isGoStruct(target) ? goMember(target, path[path.length - 1]) : undefined;
  if (typeof method !== "function") {
    throw new TemplateExecError(`line ${line}: can't give argument to non-function ${path.join(".")}`);
  }
  return method.apply(target, args.map(plain));
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

interface Run {
  functions: Functions;
  out: string[];
}

function evalArg(arg: Arg, dot: unknown, scope: Scope, run: Run): unknown {
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
      return evalPipeline(arg.pipe, dot, scope, run);
    case "chain":
      return lookup(evalArg(arg.target, dot, scope, run), arg.path);
    case "func":
      charge(1);
      return run.functions[arg.name]();
  }
}

function evalPipeline(pipe: Pipeline, dot: unknown, scope: Scope, run: Run): unknown {
  let value: unknown = undefined;
  pipe.commands.forEach((command, i) => {
    const [head, ...rest] = command;
    const args = rest.map((a) => evalArg(a, dot, scope, run));
    if (i > 0) args.push(value);
    charge(1);
    if (head.kind === "func") {
      value = run.functions[head.name](...args);
    } else if (args.length === 0) {
      value = evalArg(head, dot, scope, run);
    } else if (head.kind === "field" && head.path.length > 0) {
      value = callMethod(dot, head.path, args, pipe.line);
    } else if (head.kind === "variable" && head.path.length > 0) {
      value = callMethod(variable(scope, head.name), head.path, args, pipe.line);
    } else {
      throw new TemplateExecError(`line ${pipe.line}: can't give argument to non-function`);
    }
  });
  if (pipe.vars.length > 0) {
    if (pipe.assign) setVariable(scope, pipe.vars[0], value);
    else scope[scope.length - 1].set(pipe.vars[0], value);
  }
  return value;
}

/** What `range` visits, lazily: a count is never made into a list. */
function* entries(value: unknown): Generator<[unknown, unknown]> {
  const v = plain(value);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) yield [i, v[i]];
  } else if (typeof v === "number" && Number.isInteger(v)) {
    for (let i = 0; i < v; i++) yield [i, i];
  } else if (v !== null && typeof v === "object") {
    const map = v as Record<string, unknown>;
    for (const k of Object.keys(map).sort()) yield [k, map[k]];
  } else if (v !== undefined && v !== null) {
    throw new TemplateExecError(`range can't iterate over ${goString(value)}`);
  }
}

function runList(
  nodes: readonly Node[],
  dot: unknown,
  scope: Scope,
  run: Run,
): typeof BREAK | typeof CONTINUE | void {
  scope.push(new Map());
  try {
    for (const node of nodes) {
      const signal = runNode(node, dot, scope, run);
      if (signal !== undefined) return signal;
    }
  } finally {
    scope.pop();
  }
}

function emit(run: Run, text: string): void {
  chargeOutput(text.length);
  run.out.push(text);
}

function runNode(
  node: Node,
  dot: unknown,
  scope: Scope,
  run: Run,
): typeof BREAK | typeof CONTINUE | void {
  charge(1);
  switch (node.kind) {
    case "text":
      emit(run, node.text);
      return;
    case "action": {
      const value = evalPipeline(node.pipe, dot, scope, run);
      if (node.pipe.vars.length === 0) emit(run, goString(value));
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
        const value = evalPipeline(node.pipe, dot, scope, run);
        if (isEmpty(value)) return runList(node.otherwise, dot, scope, run);
        return runList(node.body, node.kind === "with" ? value : dot, scope, run);
      } finally {
        scope.pop();
      }
    }
    case "range":
      return runRange(node, dot, scope, run);
  }
}

function runRange(node: BranchNode, dot: unknown, scope: Scope, run: Run): void {
  const vars = node.pipe.vars;
  let any = false;
  for (const [key, value] of entries(evalPipeline({ ...node.pipe, vars: [] }, dot, scope, run))) {
    any = true;
    charge(1);
    scope.push(new Map());
    if (vars.length === 1) scope[scope.length - 1].set(vars[0], value);
    if (vars.length === 2) scope[scope.length - 1].set(vars[0], key).set(vars[1], value);
    try {
      if (runList(node.body, value, scope, run) === BREAK) return;
    } finally {
      scope.pop();
    }
  }
  if (!any) runList(node.otherwise, dot, scope, run);
}

/** Options of {@link execute}. */
export interface ExecuteOptions {
  /** The functions the template may call (those it was parsed with). */
  functions: Functions;
  /** The work one run may do. @default {DEFAULT_LIMITS} */
  limits?: Readonly<Limits>;
}

/**
 * Runs the template over `data` and returns the text. Throws {@link TemplateExecError} for
 * any failure of the run (a function's error, a bad value, the budget spent): a failed run
 * writes nothing.
 */
export function execute(nodes: readonly Node[], data: unknown, options: ExecuteOptions): string {
  const run: Run = { functions: options.functions, out: [] };
  try {
    withBudget(options.limits ?? DEFAULT_LIMITS, () => runList(nodes, data, [new Map([["$", data]])], run));
  } catch (error) {
    if (error instanceof TemplateExecError) throw error;
    // A JavaScript error inside a function (a RangeError, a stack overflow) is the template's failure too.
    throw new TemplateExecError((error as Error).message ?? String(error));
  }
  return run.out.join("");
}

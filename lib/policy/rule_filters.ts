/**
 * A rule's `filters:` (data fields, `retval`, context fields) compiled into one predicate
 * per rule, checked against the event's catalog definition as Tracee checks them.
 *
 * @module
 */

import type { DataField, Event } from "../events/event.ts";
import type { EventDefinition } from "../events/catalog.ts";
import { contextField } from "./context.ts";
import { containerIdOf, dataFieldOf, retvalOf } from "./fields.ts";
import { type Expression, parseExpression, StringMatcher, type Test } from "./expression.ts";
import { isIntegerType, NumberMatcher } from "./number_match.ts";

/** One filter text and where it came from (for error messages). */
export interface Located {
  text: string;
  where: string;
}

/** A predicate over whole events. */
export type EventTest = (event: Event) => boolean;

type Reader = (event: Event) => string | number | undefined;

interface FieldFilter {
  read: Reader;
  matcher: StringMatcher | NumberMatcher;
}

/** Types a filter can compare: integers (a pointer as a u_int64), strings, bools and string arrays (joined by spaces). */
const FILTERABLE = new Set(["int32", "int64", "u_int32", "u_int64", "pointer", "str", "bool", "str_array"]);

/**
 * Compiles `filters` for events of `definition` into one test (undefined when there are
 * none). Problems are appended to `problems`, each naming where the filter came from.
 */
export function compileRuleFilters(
  definition: EventDefinition,
  filters: readonly Located[],
  problems: string[],
): EventTest | undefined {
  const byField = new Map<string, FieldFilter>();
  const tests: EventTest[] = [];
  for (const { text, where } of filters) {
    const problem = addFilter(definition, text, byField, tests);
    if (problem !== undefined) problems.push(`${where}: "${text}": ${problem}`);
  }
  for (const { read, matcher } of byField.values()) {
    const test = matcher.test() as Test<string | number>;
    tests.push((event) => {
      const value = read(event);
      return value !== undefined && test(value);
    });
  }
  if (tests.length === 0) return undefined;
  if (tests.length === 1) return tests[0];
  return (event) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i](event)) return false;
    return true;
  };
}

function addFilter(
  definition: EventDefinition,
  text: string,
  byField: Map<string, FieldFilter>,
  tests: EventTest[],
): string | undefined {
  if (text === "container") return void tests.push((e) => containerIdOf(e) !== "");
  // Tracee's word for "not in a container" in a rule is `host`; sluice also takes the scope's `not-container`.
  if (text === "host" || text === "not-container") return void tests.push((e) => containerIdOf(e) === "");
  if (text === "!container") return 'not a filter: "!" is not an operator here; use host or not-container';
  if (/^(data|args)$/.test(text.split(/[=!<>]/)[0])) {
    return "the data field's name is missing (data.NAME=VALUE)";
  }
  const parsed = parseExpression(text);
  if (typeof parsed === "string") return parsed;
  const dataName = /^(?:data|args)\.(.+)$/.exec(parsed.name)?.[1];
  if (dataName !== undefined) return addDataFilter(definition, dataName, parsed, byField);
  if (parsed.name === "retval") {
    return addTo(
      byField,
      "retval",
      () => ({ read: retvalOf, matcher: new NumberMatcher("int64") }),
      parsed,
      "retval",
    );
  }
  if (parsed.name === "container") {
    return 'a rule filter takes "container" alone; select a container by its id with containerId=ID';
  }
  const field = contextField(parsed.name);
  if (typeof field === "string") return field;
  return addTo(byField, `context.${parsed.name}`, () => ({
    read: field.get,
    matcher: field.kind === "number" ? new NumberMatcher(field.type) : new StringMatcher(),
  }), parsed);
}

function addDataFilter(
  definition: EventDefinition,
  name: string,
  parsed: Expression,
  byField: Map<string, FieldFilter>,
): string | undefined {
  const index = definition.fields.findIndex((f) => f.name === name);
  if (index < 0) {
    const known = definition.fields.map((f) => f.name).join(", ") || "none";
    return `event ${definition.name} has no data field "${name}" (its fields: ${known})`;
  }
  const type = definition.fields[index].type;
  if (!FILTERABLE.has(type)) {
    return `data field "${name}" of ${definition.name} is of type ${type}, which sluice cannot filter on`;
  }
  if (type === "bool" && parsed.values.some((v) => v !== "true" && v !== "false")) {
    return `data field "${name}" is a bool: use true or false`;
  }
  const read = dataReader(name, index, type);
  const matcher = () => ({
    read,
    matcher: type === "pointer"
      ? new NumberMatcher("u_int64")
      : isIntegerType(type)
      ? new NumberMatcher(type)
      : new StringMatcher(),
  });
  return addTo(byField, `data.${name}`, matcher, parsed);
}

function dataReader(name: string, index: number, type: string): Reader {
  const valueOf = (field: DataField): string | number | undefined => {
    if (type === "bool") return field.bool === undefined ? undefined : String(field.bool);
    // str_array: the elements joined by spaces, as a command line reads.
    if (type === "str_array") return field.str_array?.value.join(" ");
    const value = (field as unknown as Record<string, unknown>)[type];
    return typeof value === "string" || typeof value === "number" ? value : undefined;
  };
  return (event) => {
    const field = dataFieldOf(event, name, index);
    return field === undefined ? undefined : valueOf(field);
  };
}

function addTo(
  byField: Map<string, FieldFilter>,
  key: string,
  create: () => FieldFilter,
  parsed: Expression,
  label?: string,
): string | undefined {
  let entry = byField.get(key);
  if (entry === undefined) {
    entry = create();
    byField.set(key, entry);
  }
  const problem = entry.matcher.add(parsed.op, parsed.values);
  if (problem === undefined) return undefined;
  return label === "retval" ? `retval must be an integer: ${problem}` : problem;
}

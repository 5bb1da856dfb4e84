/**
 * A command-line parser with the rules of Go's pflag, the parser Tracee's flags go through:
 * a flag that takes a value takes the next argument whatever it starts with (`-e -openat`,
 * `--events -openat`), or what follows `=` (`--events=x`, `-e=-openat`), or the rest of a
 * short group (`-eopenat`); boolean short flags group (`-hv`); `--` ends the flags; flags
 * and positional arguments may be mixed.
 *
 * `node:util` parseArgs refuses a value that starts with `-`, which Tracee's own examples
 * need, hence this module.
 *
 * @module
 */

/** A command-line mistake: print the message and exit 2. */
export class UsageError extends Error {}

/** How a flag takes its value. */
export type FlagKind = "string" | "list" | "bool";

/** One flag the parser knows. */
export interface FlagSpec {
  /** The long name, without `--`. */
  name: string;
  /** The one-letter short name, without `-`. */
  short?: string;
  /**
   * `string`: one value, given at most once; `list`: one value each time it is given
   * (repeatable); `bool`: no value unless written `--name=true|false`.
   */
  kind: FlagKind;
}

/** The parse result: values by long name, in the order given, and the positional arguments. */
export interface ParsedFlags {
  /** Every value given, by long name (a `bool` flag holds `"true"` or `"false"`). */
  values: Map<string, string[]>;
  /** The arguments that are not flags or flag values, in order. */
  positionals: string[];
}

// Go's strconv.ParseBool, which pflag uses for `--flag=VALUE` on a boolean flag.
const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

function boolValue(label: string, text: string): string {
  if (TRUE.has(text)) return "true";
  if (FALSE.has(text)) return "false";
  throw new UsageError(`${label}: expected true or false, got "${text}"`);
}

/**
 * Parses `args` (without the program name) against `specs`. Throws {@link UsageError} with
 * one line naming the flag and the value for an unknown flag, a missing value, a bad
 * boolean, bad flag syntax, or a single-valued flag given twice.
 */
export function parseFlags(args: readonly string[], specs: readonly FlagSpec[]): ParsedFlags {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const byShort = new Map(
    specs.filter((spec) => spec.short !== undefined).map((spec) => [spec.short!, spec]),
  );
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  const set = (spec: FlagSpec, label: string, value: string) => {
    const list = values.get(spec.name);
    if (list === undefined) values.set(spec.name, [value]);
    else if (spec.kind === "string") {
      throw new UsageError(`${label}: given twice ("${list[0]}" and "${value}"); give it once`);
    } else list.push(value);
  };

  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg.length < 2 || arg[0] !== "-") {
      positionals.push(arg);
      continue;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      if (name === "" || name.startsWith("-")) throw new UsageError(`bad flag syntax: ${arg} (see --help)`);
      const spec = byName.get(name);
      if (spec === undefined) throw new UsageError(`unknown flag: --${name} (see --help)`);
      const label = `--${name}`;
      if (spec.kind === "bool") set(spec, label, eq < 0 ? "true" : boolValue(label, arg.slice(eq + 1)));
      else if (eq >= 0) set(spec, label, arg.slice(eq + 1));
      else if (i + 1 < args.length) set(spec, label, args[++i]);
      else throw new UsageError(`${label}: needs a value (see --help)`);
      continue;
    }
    // A group of short flags: booleans until one takes a value, which takes the rest.
    for (let at = 1; at < arg.length; at++) {
      const letter = arg[at];
      const spec = byShort.get(letter);
      if (spec === undefined) {
        throw new UsageError(`unknown shorthand flag: '${letter}' in ${arg} (see --help)`);
      }
      const label = `-${letter}`;
      const attached = arg[at + 1] === "=" ? arg.slice(at + 2) : arg.slice(at + 1);
      if (spec.kind === "bool") {
        if (arg[at + 1] !== "=") {
          set(spec, label, "true");
          continue;
        }
        set(spec, label, boolValue(label, attached));
      } else if (at + 1 < arg.length) set(spec, label, attached);
      else if (i + 1 < args.length) set(spec, label, args[++i]);
      else throw new UsageError(`${label}: needs a value (see --help)`);
      break;
    }
  }
  return { values, positionals };
}

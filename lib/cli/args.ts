/**
 * The command line: Tracee's flags and sluice's commands, parsed into one plain object.
 * Each flag is one entry of {@link FLAGS}: its parse rule, its `--help` text and its
 * field in {@link CliOptions} all come from that entry.
 *
 * @module
 */

import type { LogLevel } from "../log.ts";
import { type CapabilitySettings, parseCapabilityFlags } from "../privileges/flags.ts";
import { parseServerFlags, type ServerSettings } from "../server/flags.ts";
import { type FlagSpec, parseFlags, UsageError } from "./flag_parser.ts";
import { type LogSettings, parseLogFlags } from "./log_flags.ts";
import { type EnrichmentSettings, parseEnrichmentFlags } from "./enrichment_flags.ts";
import { type BuffersSettings, parseBuffersFlags } from "./buffers_flags.ts";

export { UsageError } from "./flag_parser.ts";

/** A flag with its `--help` lines. */
interface FlagHelp extends FlagSpec {
  /** The value's placeholder in `--help` (`FILE`); none for a boolean. */
  value?: string;
  /** The description: one line, or several for a flag with many forms. */
  help: readonly string[];
}

/** Every flag sluice takes. Adding a flag is adding a line here. */
export const FLAGS = [
  {
    name: "config",
    short: "c",
    kind: "string",
    value: "FILE",
    help: ["YAML file; its output: key configures destinations and streams"],
  },
  {
    name: "output",
    short: "o",
    kind: "list",
    value: "SPEC",
    help: [
      "repeatable; replaces the config file's output: section. Tracee's forms:",
      "  table | json | json:/p1,/p2 | table:/p | gotemplate=/t.tmpl[:/out]",
      "  webhook:URL | forward:URL | none | sort-events",
      "  destinations.NAME.{type,format,path,url}=VALUE",
      "  streams.NAME.destinations=a,b   streams.NAME.filters.events=e1,e2",
      "  streams.NAME.filters.policies=p1   streams.NAME.buffer.mode=block|drop",
      "  streams.NAME.buffer.size=N",
    ],
  },
  {
    name: "input",
    kind: "string",
    value: "FILE",
    help: ["replay recorded Tracee JSON lines from FILE (- for stdin) instead of tracing"],
  },
  {
    name: "events",
    short: "e",
    kind: "list",
    value: "NAME[,..]",
    help: ["repeatable; events to trace (default: every known event but openat)"],
  },
  {
    name: "scope",
    short: "s",
    kind: "list",
    value: "EXPR",
    help: ["repeatable; scope of the command-line policy (comm=bash, pid>=1000, container, ...)"],
  },
  {
    name: "policy",
    short: "p",
    kind: "list",
    value: "FILE|DIR",
    help: ["repeatable; Tracee policy files (a folder loads every .yaml, .yml, .json)"],
  },
  {
    name: "log",
    short: "l",
    kind: "list",
    value: "LEVEL",
    help: [
      "debug | info | warn | error (default info); debug also shows libbpf's log.",
      "Tracee's --logging forms: level=LEVEL, file=PATH; and format=json",
    ],
  },
  { name: "logging", kind: "list", value: "OPTION", help: ["Tracee's name for --log; the same forms"] },
  {
    name: "server",
    kind: "list",
    value: "OPTION",
    help: [
      "repeatable; Tracee's forms: metrics, healthz, http-address=HOST:PORT",
      "(default 127.0.0.1:3366): Prometheus text on /metrics, /healthz",
    ],
  },
  {
    name: "capabilities",
    kind: "list",
    value: "OPTION",
    help: [
      "repeatable; Tracee's forms: bypass=true (keep every capability),",
      "add=cap_a,cap_b, drop=cap_a (adjust what is kept after start)",
    ],
  },
  { name: "enrichment", kind: "list", value: "OPTION", help: ["repeatable; Tracee's form: environment"] },
  {
    name: "buffers",
    kind: "list",
    value: "OPTION",
    help: [
      "Tracee's form: kernel.events=PAGES, the kernel's event buffer in pages per CPU",
      "(default 64 MiB in all)",
    ],
  },
  { name: "json", short: "j", kind: "bool", help: ["sluice list: print the events as JSON (as -o json)"] },
  { name: "version", kind: "bool", help: ["print sluice's version and the Tracee commit it follows"] },
  { name: "help", short: "h", kind: "bool", help: ["this text"] },
] as const satisfies readonly FlagHelp[];

type Flag = typeof FLAGS[number];

/** Each flag's value by its long name: a list flag's values, a boolean, or a string when given. */
export type FlagValues = {
  [F in Flag as F["name"]]: F["kind"] extends "list" ? string[]
    : F["kind"] extends "bool" ? boolean
    : string | undefined;
};

/** The commands: `run` traces (or replays); `validate` checks; `list` prints the events; `version`. */
export type Command = "run" | "validate" | "list" | "version";

/** What the user asked for. */
export interface CliOptions
  extends Omit<FlagValues, "log" | "logging" | "server" | "capabilities" | "enrichment" | "buffers"> {
  command: Command;
  /** The level of sluice's own lines (the same as `logging.level`). */
  log: LogLevel;
  /** Every `--log`/`--logging` form: level, format, file. */
  logging: LogSettings;
  /** `--server`: the metrics and health server; undefined when not asked for. */
  server?: ServerSettings;
  /** `--capabilities`: what to keep once started. */
  capabilities: CapabilitySettings;
  /** `--enrichment`: what events carry beyond their fields. */
  enrichment: EnrichmentSettings;
  /** `--buffers`: the kernel's event buffer. */
  buffers: BuffersSettings;
}

const COMMANDS = "validate, list, version";

// Where each flag's description starts: after the longest `--capabilities OPTION`.
const HELP_COLUMN = 29;

/** The `--help` text. */
export const USAGE: string = `sluice: runtime-security tracing with Tracee's configuration

Usage:
  sluice [flags]            trace the kernel (or replay --input) until Ctrl-C or end of input
  sluice validate [flags]   check the configuration, print the resolved streams, start nothing
  sluice list [-o json]     every event sluice knows: id, sets, data fields and types
  sluice version            the version, and the Tracee commit sluice follows

Flags:
${FLAGS.map(flagHelp).join("\n")}

Exit status: 0 done (every event a block-mode stream accepted was delivered), 1 a failure while
running, 2 bad usage or configuration (nothing started), 3 events accepted by a block-mode stream
were not delivered (the last line says which destination lost how many).`;

function flagHelp(flag: FlagHelp): string {
  const names = "short" in flag ? `-${flag.short}, --${flag.name}` : `    --${flag.name}`;
  const head = `  ${names}${flag.value === undefined ? "" : ` ${flag.value}`}`.padEnd(HELP_COLUMN);
  const [first, ...rest] = flag.help;
  return [`${head}${first}`, ...rest.map((line) => " ".repeat(HELP_COLUMN) + line)].join("\n");
}

function commandOf(positionals: readonly string[]): Command {
  const [word, ...rest] = positionals;
  if (word === undefined) return "run";
  // Tracee's own spelling `tracee list events` works too.
  if (word === "list" && (rest.length === 0 || (rest.length === 1 && rest[0] === "events"))) return "list";
  if ((word === "validate" || word === "version") && rest.length === 0) return word;
  throw new UsageError(`unexpected argument "${positionals.join(" ")}": the commands are ${COMMANDS}`);
}

/** Parses `args` (without the program name); throws {@link UsageError} naming the bad flag or value. */
export function parseCli(args: readonly string[]): CliOptions {
  const { values, positionals } = parseFlags(args, FLAGS);
  const options = Object.fromEntries(FLAGS.map((flag) => {
    const given = values.get(flag.name);
    if (flag.kind === "list") return [flag.name, given ?? []];
    if (flag.kind === "bool") return [flag.name, given?.at(-1) === "true"];
    return [flag.name, given?.[0]];
  })) as FlagValues;
  const command = options.version ? "version" : commandOf(positionals);
  const logging = parseLogFlags([...options.log, ...options.logging]);
  const server = parseServerFlags(options.server);
  const capabilities = parseCapabilityFlags(options.capabilities);
  const enrichment = parseEnrichmentFlags(options.enrichment);
  const buffers = parseBuffersFlags(options.buffers);
  const problems = [
    ...logging.problems,
    ...server.problems,
    ...capabilities.problems,
    ...enrichment.problems,
    ...buffers.problems,
  ];
  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  if (options.config === "") throw new UsageError("--config: expected a file path, got an empty value");
  if (options.input === "") throw new UsageError('--input: expected a file path or "-", got an empty value');
  if (options.json && command !== "list") throw new UsageError("--json: applies to sluice list only");
  return {
    ...options,
    command,
    log: logging.settings.level,
    logging: logging.settings,
    server: server.settings,
    capabilities: capabilities.settings,
    enrichment: enrichment.settings,
    buffers: buffers.settings,
  };
}

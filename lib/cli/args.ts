/**
 * The command line: Tracee's flags, parsed into one plain object.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type CapabilitySettings, parseCapabilityFlags } from "../privileges/flags.ts";
import { parseServerFlags, type ServerSettings } from "../server/flags.ts";
import { type LogSettings, parseLogFlags } from "./log_flags.ts";

/** What the user asked for. */
export interface CliOptions {
  /** `run` traces (or replays) until done; `validate` only checks the configuration. */
  command: "run" | "validate";
  config?: string;
  output: string[];
  input?: string;
  policy: string[];
  scope: string[];
  events: string[];
  log: "debug" | "info" | "warn" | "error";
  /** Every `--log`/`--logging` form: level, format, file. */
  logging: LogSettings;
  /** `--server`: the metrics and health server; undefined when not asked for. */
  server?: ServerSettings;
  /** `--capabilities`: what to keep once started. */
  capabilities: CapabilitySettings;
  help: boolean;
}

/** A command-line mistake: print the message and exit 2. */
export class UsageError extends Error {}

/** The `--help` text. */
export const USAGE = `sluice: runtime-security tracing with Tracee's configuration

Usage:
  sluice [flags]            trace the kernel (or replay --input) until Ctrl-C or end of input
  sluice validate [flags]   check the configuration, print the resolved streams, start nothing

Flags:
  --config FILE            YAML file; its output: key configures destinations and streams
  -o, --output SPEC        repeatable; Tracee's forms:
                             table | json | json:/p1,/p2 | table:/p | gotemplate=/t.tmpl[:/out]
                             webhook:URL | forward:URL | none
                             destinations.NAME.{type,format,path,url}=VALUE
                             streams.NAME.destinations=a,b   streams.NAME.filters.events=e1,e2
                             streams.NAME.filters.policies=p1   streams.NAME.buffer.mode=block|drop
                             streams.NAME.buffer.size=N
  --input FILE             replay recorded Tracee JSON lines from FILE (- for stdin) instead of tracing
  -e, --events NAME[,..]   repeatable; events to trace (default: every known event but openat)
  -s, --scope EXPR         repeatable; scope of the command-line policy (comm=bash, pid>=1000, container, ...)
  -p, --policy FILE|DIR    repeatable; Tracee policy files (a folder loads every .yaml, .yml, .json)
  -l, --log LEVEL          debug | info | warn | error (default info); debug also shows libbpf's log.
                           Tracee's --logging forms: level=LEVEL, file=PATH; and format=json
  --server OPTION          repeatable; Tracee's forms: metrics, healthz, http-address=HOST:PORT
                           (default 127.0.0.1:3366): Prometheus text on /metrics, /healthz
  --capabilities OPTION    repeatable; Tracee's forms: bypass=true (keep every capability),
                           add=cap_a,cap_b, drop=cap_a (adjust what is kept after start)
  -h, --help               this text

Exit status: 0 done (every event a block-mode stream accepted was delivered), 1 a failure while
running, 2 bad usage or configuration (nothing started), 3 events accepted by a block-mode stream
were not delivered (the last line says which destination lost how many).`;

/** Parses `args` (without the program name); throws {@link UsageError} naming the bad flag or value. */
export function parseCli(args: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: "string" },
        output: { type: "string", short: "o", multiple: true },
        input: { type: "string" },
        policy: { type: "string", short: "p", multiple: true },
        scope: { type: "string", short: "s", multiple: true },
        events: { type: "string", short: "e", multiple: true },
        log: { type: "string", short: "l", multiple: true },
        logging: { type: "string", multiple: true },
        server: { type: "string", multiple: true },
        capabilities: { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split("\n")[0]} (see --help)`);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1 || (positionals.length === 1 && positionals[0] !== "validate")) {
    throw new UsageError(`unexpected argument "${positionals.join(" ")}": the only command is "validate"`);
  }
  const logging = parseLogFlags([...values.log ?? [], ...values.logging ?? []]);
  const server = parseServerFlags(values.server ?? []);
  const capabilities = parseCapabilityFlags(values.capabilities ?? []);
  const problems = [...logging.problems, ...server.problems, ...capabilities.problems];
  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  if (values.config === "") throw new UsageError("--config: expected a file path, got an empty value");
  if (values.input === "") throw new UsageError('--input: expected a file path or "-", got an empty value');
  return {
    command: positionals[0] === "validate" ? "validate" : "run",
    config: values.config,
    output: values.output ?? [],
    input: values.input,
    policy: values.policy ?? [],
    scope: values.scope ?? [],
    events: values.events ?? [],
    log: logging.settings.level,
    logging: logging.settings,
    server: server.settings,
    capabilities: capabilities.settings,
    help: values.help ?? false,
  };
}

/**
 * Everything sluice checks before it starts: policies, the output configuration and
 * each destination's parameters. A problem anywhere stops here, before anything runs.
 *
 * @module
 */

import { describeConfig, resolveOutputConfig } from "../config/mod.ts";
import type { OutputConfig } from "../config/types.ts";
import { destinationProblems } from "../destinations/check.ts";
import { DEFAULT_EVENTS } from "../events/catalog.ts";
import { loadPolicies } from "../policy/mod.ts";
import { ProblemsError } from "../problems.ts";
import type { PolicySet } from "../policy/policy_set.ts";
import { readBoundedText, YamlReadError } from "../yaml_loader.ts";
import { standardStream } from "../config/destinations.ts";
import { checkOutputPath, UnsafePathError } from "../destinations/output_path.ts";
import { isStdin } from "../source/replay.ts";
import { type FileIdentity, pathIdentity, sameFile, samePath, standardIdentity } from "./file_identity.ts";
import type { CliOptions } from "./args.ts";

/** A configuration problem (one or more lines): print it and exit 2. */
export class PlanError extends Error {}

/** The checked configuration of one run. */
export interface Plan {
  options: CliOptions;
  policies: PolicySet;
  config: OutputConfig;
  /** Lines to print on stderr once, before starting (inferred types, untraced filters). */
  notices: string[];
  /** The resolved streams and destinations, for `sluice validate`. */
  description: string;
}

async function readConfigFile(path: string): Promise<string> {
  try {
    return await readBoundedText(path, `--config ${path}`);
  } catch (error) {
    if (error instanceof YamlReadError) throw new PlanError(error.message);
    throw error;
  }
}

/** Named pipes, `<(cmd)` and devices replay as well as files; a folder or a missing path does not. */
async function checkInput(input: string): Promise<void> {
  if (isStdin(input)) return;
  const info = await Deno.stat(input).catch((error) => {
    throw new PlanError(`--input ${input}: cannot read it: ${error.message}`);
  });
  if (info.isDirectory) {
    throw new PlanError(`--input ${input}: is a folder; give a JSON-lines file, a named pipe or - for stdin`);
  }
}

/** The file a destination path (or a standard stream's name) writes to. */
function targetIdentity(path: string): FileIdentity | undefined {
  const standard = standardStream(path);
  if (standard === undefined) return pathIdentity(path);
  return standardIdentity(standard === "stdout" ? 1 : 2);
}

/**
 * File destinations that are unsafe to open (see output_path.ts), that are the input (sluice
 * would replay what it writes, forever), or that are one file under two names.
 */
function fileTargetProblems(config: OutputConfig, input: string | undefined): string[] {
  const problems: string[] = [];
  const inputIdentity = input === undefined
    ? undefined
    : isStdin(input)
    ? standardIdentity(0)
    : pathIdentity(input);
  const targets: [string, FileIdentity | undefined][] = [];
  for (const destination of config.destinations) {
    if (destination.type !== "file") continue;
    const path = destination.path ?? "stdout";
    const field = `destinations.${destination.name}.path`;
    if (standardStream(path) === undefined) {
      try {
        checkOutputPath(path);
      } catch (error) {
        if (!(error instanceof UnsafePathError)) throw error;
        problems.push(`${field}: ${error.message}`);
        continue;
      }
    }
    const identity = targetIdentity(path);
    const namedAsInput = input !== undefined && !isStdin(input) && samePath(input, path);
    if (namedAsInput || sameFile(identity, inputIdentity)) {
      problems.push(
        `${field}: "${path}" is the --input file: sluice would read back what it writes; give another path`,
      );
      continue;
    }
    const twin = targets.find(([, other]) => identity?.regular === true && sameFile(identity, other));
    if (twin !== undefined) {
      problems.push(
        `${field}: "${path}" is the file destination "${twin[0]}" writes too; give each its own file`,
      );
    }
    targets.push([destination.name, identity]);
  }
  return problems;
}

function rethrowProblems(error: unknown): never {
  if (error instanceof ProblemsError) throw new PlanError(error.message);
  throw error;
}

/** Checks everything `options` asks for and returns the plan, or throws {@link PlanError}. */
export async function planRun(options: CliOptions): Promise<Plan> {
  const replay = options.input !== undefined;
  if (options.input !== undefined) await checkInput(options.input);
  let policies: PolicySet;
  try {
    // Only a run on the live kernel needs the process tree that exists at start.
    const procfs = !replay && options.command === "run";
    policies = await loadPolicies(
      { policyPaths: options.policy, scopes: options.scope, events: options.events },
      { defaultEvents: replay ? undefined : DEFAULT_EVENTS, procfs },
    );
  } catch (error) {
    rethrowProblems(error);
  }

  const yaml = options.config === undefined
    ? undefined
    : { text: await readConfigFile(options.config), path: options.config };
  let resolved;
  try {
    resolved = resolveOutputConfig({ yaml, flags: options.output }, { knownPolicies: policies.names });
  } catch (error) {
    rethrowProblems(error);
  }
  const { config, notices } = resolved;

  // Tracee's container mode: when a policy selects containers, tables show the container column.
  if (policies.containerScoped) {
    for (const destination of config.destinations) {
      if (destination.format === "table") destination.containers = true;
    }
  }
  const problems = [
    ...config.destinations.flatMap(destinationProblems),
    ...fileTargetProblems(config, options.input),
  ];
  if (problems.length > 0) throw new PlanError(problems.join("\n"));

  const traced = policies.events;
  if (traced !== undefined) {
    for (const stream of config.streams) {
      for (const name of stream.filters.events) {
        if (!traced.has(name)) {
          notices.push(
            `warning: streams.${stream.name}.filters.events names "${name}", which is not traced: add it with -e or a policy`,
          );
        }
      }
    }
  }
  return { options, policies, config, notices, description: describeConfig(config) };
}

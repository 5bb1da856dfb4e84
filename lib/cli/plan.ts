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
    return await Deno.readTextFile(path);
  } catch (error) {
    throw new PlanError(`--config ${path}: cannot read it: ${(error as Error).message}`);
  }
}

function rethrowProblems(error: unknown): never {
  if (error instanceof ProblemsError) throw new PlanError(error.message);
  throw error;
}

/** Checks everything `options` asks for and returns the plan, or throws {@link PlanError}. */
export async function planRun(options: CliOptions): Promise<Plan> {
  const replay = options.input !== undefined;
  if (options.input !== undefined && options.input !== "-") {
    const info = await Deno.stat(options.input).catch((error) => {
      throw new PlanError(`--input ${options.input}: cannot read it: ${error.message}`);
    });
    if (!info.isFile) throw new PlanError(`--input ${options.input}: not a file`);
  }
  let policies: PolicySet;
  try {
    policies = await loadPolicies(
      { policyPaths: options.policy, scopes: options.scope, events: options.events },
      { defaultEvents: replay ? undefined : DEFAULT_EVENTS, procfs: !replay },
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
  const problems = config.destinations.flatMap(destinationProblems);
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

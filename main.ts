/**
 * sluice's command line: flags -> policies and output config -> validate -> build the
 * pipeline -> run until end of input or SIGINT/SIGTERM -> drain -> summary.
 *
 * Exit status: 0 done (every event a block-mode stream accepted was delivered), 1 a failure
 * while running, 2 bad usage or configuration (nothing started), 3 events accepted by a
 * block-mode stream were not delivered (the last line says which destination lost how many).
 *
 * @module
 */

import { type CliOptions, parseCli, USAGE, UsageError } from "./lib/cli/args.ts";
import { type Plan, PlanError, planRun } from "./lib/cli/plan.ts";
import { revokePermissions, unneededPermissions } from "./lib/cli/permissions.ts";
import { startRun } from "./lib/cli/run.ts";
import { applyLogSettings } from "./lib/cli/log_setup.ts";
import { flushLog, log } from "./lib/log.ts";
import { versionLine } from "./lib/version.ts";
import { listings, listJson, listTable } from "./lib/cli/list.ts";
import { DETECTORS, EVENTS } from "./lib/events/catalog.ts";

/** Runs sluice with `args` and returns the exit status. */
export async function main(args: readonly string[]): Promise<number> {
  let plan: Plan;
  try {
    const options = parseCli(args);
    revokePermissions(unneededPermissions(options));
    applyLogSettings(options.logging);
    if (options.help) {
      console.log(USAGE);
      return 0;
    }
    if (options.command === "version") {
      console.log(versionLine());
      return 0;
    }
    if (options.command === "list") return printList(options);
    plan = await planRun(options);
  } catch (error) {
    if (error instanceof UsageError || error instanceof PlanError) {
      log.error(error.message);
      return 2;
    }
    throw error;
  }
  for (const notice of plan.notices) {
    if (notice.startsWith("warning:")) log.warn(notice);
    else log.info(notice);
  }
  if (plan.options.command === "validate") {
    console.log(plan.description);
    return 0;
  }
  return await startRun(plan);
}

function printList(options: CliOptions): number {
  const json = options.json || options.output.includes("json");
  const other = options.output.find((spec) => spec !== "json" && spec !== "table");
  if (other !== undefined) throw new UsageError(`--output ${other}: sluice list prints table or json`);
  const rows = listings(EVENTS, DETECTORS);
  console.log(json ? listJson(rows) : listTable(rows));
  return 0;
}

if (import.meta.main) {
  const status = await main(Deno.args);
  await flushLog();
  Deno.exit(status);
}

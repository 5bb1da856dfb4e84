/**
 * Run by raise_test.ts as root: drops to user 65534 holding cap_dac_override in reserve, then
 * tries to create a file in the root-only folder given as its argument, before, during and
 * after raising it, and prints what happened as one JSON object.
 *
 * @module
 */

import { capabilityNames, capabilitySet } from "../lib/privileges/capabilities.ts";
import { dropPrivileges, readCapabilities } from "../lib/privileges/drop.ts";
import { withCapabilities } from "../lib/privileges/raise.ts";

const folder = Deno.args[0];
const DAC = capabilitySet("dac_override");

function createSync(name: string): string {
  try {
    Deno.openSync(`${folder}/${name}`, { write: true, createNew: true }).close();
    return "created";
  } catch (error) {
    return (error as Error).name;
  }
}

const createAsync = (name: string): Promise<string> =>
  Deno.open(`${folder}/${name}`, { write: true, createNew: true }).then((file) => {
    file.close();
    return "created";
  }, (error) => (error as Error).name);

dropPrivileges({ effective: 0n, onDemand: DAC });
const inEffect = () => capabilityNames(readCapabilities().effective);
const before = { sync: createSync("before"), inEffect: inEffect() };
let pending: Promise<string> = Promise.resolve("");
const during = withCapabilities(DAC, () => {
  // Started now, but run by a pool thread, which has no capabilities.
  pending = createAsync("async-during");
  return { sync: createSync("during"), inEffect: inEffect() };
});
const after = { sync: createSync("after"), inEffect: inEffect() };
let thrown = "";
try {
  withCapabilities(DAC, () => {
    throw new Error("work failed");
  });
} catch (error) {
  thrown = (error as Error).message;
}
console.log(JSON.stringify({
  before,
  during: { ...during, async: await pending },
  after,
  afterThrow: { message: thrown, inEffect: inEffect() },
}));

/**
 * The `--capabilities` flag in Tracee's forms: `bypass=true|false`, `add=cap_a,cap_b`,
 * `drop=cap_a`.
 *
 * @module
 */

import { capabilityBit } from "./capabilities.ts";

/** What the user asked about capabilities. */
export interface CapabilitySettings {
  /** Keep every capability for the whole run (no drop at all). */
  bypass: boolean;
  /** Capabilities to keep on top of what sluice needs. */
  add: bigint;
  /** Capabilities to give up even though sluice would keep them. */
  drop: bigint;
}

/** The settings with no `--capabilities` flag: drop what is not needed. */
export const DEFAULT_CAPABILITY_SETTINGS: CapabilitySettings = { bypass: false, add: 0n, drop: 0n };

function parseNames(flag: string, list: string, problems: string[]): bigint {
  let set = 0n;
  for (const name of list.split(",")) {
    const bit = capabilityBit(name.trim());
    if (bit === undefined) {
      problems.push(`--capabilities ${flag}: unknown capability "${name}" (e.g. cap_sys_ptrace)`);
    } else set |= bit;
  }
  return set;
}

/** Reads every `--capabilities` value in order, with one problem line per bad value. */
export function parseCapabilityFlags(
  values: readonly string[],
): { settings: CapabilitySettings; problems: string[] } {
  const settings = { ...DEFAULT_CAPABILITY_SETTINGS };
  const problems: string[] = [];
  for (const value of values) {
    const equals = value.indexOf("=");
    const key = equals < 0 ? value : value.slice(0, equals);
    const given = value.slice(equals + 1);
    if (key === "bypass" && (given === "true" || given === "false") && equals >= 0) {
      settings.bypass = given === "true";
    } else if ((key === "add" || key === "drop") && equals >= 0 && given !== "") {
      settings[key] |= parseNames(value, given, problems);
    } else {
      problems.push(`--capabilities: expected bypass=true|false, add=CAPS or drop=CAPS, got "${value}"`);
    }
  }
  return { settings, problems };
}

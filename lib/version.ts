/**
 * sluice's version, and the Tracee source its compatibility is checked against.
 *
 * @module
 */

import { TRACEE_COMMIT } from "./events/catalog.ts";

/** sluice's version (semantic versioning). */
export const VERSION = "0.1.0";

/** The line `sluice version` prints: the version and the aquasecurity/tracee commit sluice follows. */
export function versionLine(): string {
  return `sluice version ${VERSION} (follows Tracee ${TRACEE_COMMIT.slice(0, 12)}, api v1beta1)`;
}

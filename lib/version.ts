/**
 * sluice's version, and the Tracee source its compatibility is checked against.
 *
 * @module
 */

/** sluice's version (semantic versioning). */
export const VERSION = "0.1.0";

/** The aquasecurity/tracee commit whose flags, config, policies and event JSON sluice follows. */
export const TRACEE_COMMIT = "7c9ec9788ec555d019e109bd62182c7397d70646";

/** The line `sluice version` prints. */
export function versionLine(): string {
  return `sluice version ${VERSION} (follows Tracee ${TRACEE_COMMIT.slice(0, 12)}, api v1beta1)`;
}

/**
 * The plain object both the YAML file and the `--output` flags become before validation:
 * Tracee's `output:` shape, still unchecked.
 *
 * @module
 */

/** An unchecked mapping (a YAML mapping or an object built from flags). */
export type RawMap = Record<string, unknown>;

/** True when `value` is a plain mapping rather than a list, scalar or null. */
export function isRawMap(value: unknown): value is RawMap {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The entry of `list` whose `name` is `name`, if any. */
export function findNamed(list: readonly unknown[], name: string): RawMap | undefined {
  return list.find((entry): entry is RawMap => isRawMap(entry) && entry.name === name);
}

/**
 * The output configuration: `--config` YAML and `--output` flags -> a validated {@link OutputConfig}.
 *
 * @module
 */

export { ConfigError } from "./errors.ts";
export { parseGoDuration } from "./duration.ts";
export {
  type ConfigInput,
  type OutputResolution,
  type ResolveOptions,
  resolveOutputConfig,
} from "./resolve.ts";
export { describeConfig } from "./describe.ts";
export { DEFAULT_STREAM } from "./types.ts";
export type { BufferMode, DestinationConfig, DestinationType, OutputConfig, StreamConfig } from "./types.ts";

/**
 * The resolved output configuration: what `--config` and `--output` describe once
 * merged, validated and given Tracee's defaults. Everything downstream reads this.
 *
 * @module
 */

/** Where a destination sends events. */
export type DestinationType = "file" | "webhook" | "forward";

/** A stream's behaviour when its queue is full. */
export type BufferMode = "block" | "drop";

/** One destination, defaults applied. */
export interface DestinationConfig {
  name: string;
  type: DestinationType;
  /** `json`, `table` or `gotemplate=PATH`. */
  format: string;
  /** file only: `stdout`, `stderr` or a filesystem path. */
  path?: string;
  /** webhook and forward only. */
  url?: string;
  /** file only: the mode a file sluice creates gets (before the umask); default 0o600. */
  permissions?: number;
  /** Present on a table destination when policies select containers: Tracee's container layout. */
  containers?: true;
}

/** One stream, defaults applied; the implicit `default-stream` included. */
export interface StreamConfig {
  name: string;
  destinations: string[];
  filters: { events: string[]; policies: string[] };
  buffer: { size: number; mode: BufferMode };
}

/** The whole output configuration. An empty `destinations` list means `--output none`. */
export interface OutputConfig {
  destinations: DestinationConfig[];
  streams: StreamConfig[];
  /** Present when `sort-events` was asked for: events are delivered in timestamp order. */
  sortEvents?: true;
}

/** The name Tracee gives the stream that collects destinations no stream names. */
export const DEFAULT_STREAM = "default-stream";

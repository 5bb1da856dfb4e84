/**
 * Opens the destination a {@link DestinationConfig} describes.
 *
 * @module
 */

import type { BufferMode, DestinationConfig } from "../config/types.ts";
import { createFormatter } from "../format/create.ts";
import type { Destination } from "./destination.ts";
import { createFileDestination } from "./file.ts";
import { createForwardDestination } from "./forward.ts";
import { createWebhookDestination } from "./webhook.ts";

/** Options of {@link createDestination}. */
export interface CreateDestinationOptions {
  /** The buffer mode of the destination's stream: block retries until delivered, drop gives up. */
  mode: BufferMode;
  /** Prints a one-line notice or warning on stderr. */
  warn: (line: string) => void;
  /** Aborted when sluice begins to shut down: retries to a peer that is down end after a grace period. */
  shutdown?: AbortSignal;
}

/** Opens a destination of any type. */
export function createDestination(config: DestinationConfig, options: CreateDestinationOptions): Destination {
  switch (config.type) {
    case "file":
      return createFileDestination(config.name, {
        path: config.path ?? "stdout",
        formatter: createFormatter(config.format, { containers: config.containers }),
        warn: options.warn,
      });
    case "webhook":
      return createWebhookDestination(config, options);
    case "forward":
      return createForwardDestination(config, { ...options, notice: options.warn });
  }
}

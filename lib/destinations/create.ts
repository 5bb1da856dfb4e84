/**
 * Opens the destination a {@link DestinationConfig} describes.
 *
 * @module
 */

import type { DestinationConfig } from "../config/types.ts";
import { createFormatter } from "../format/create.ts";
import type { Destination } from "./destination.ts";
import type { NetworkOptions } from "./engine.ts";
import { createFileDestination } from "./file.ts";
import { createWebhookDestination } from "./webhook.ts";

/** Options of {@link createDestination}: the engine's, for network destinations. */
export type CreateDestinationOptions = NetworkOptions;

/**
 * Opens a destination of any type: a file destination's path is checked and opened first; the forward
 * library is loaded only for a forward destination.
 */
export async function createDestination(
  config: DestinationConfig,
  options: CreateDestinationOptions,
): Promise<Destination> {
  switch (config.type) {
    case "file":
      return await createFileDestination(config.name, {
        path: config.path ?? "stdout",
        formatter: createFormatter(config.format, { containers: config.containers }),
        warn: options.warn,
        permissions: config.permissions,
        shutdown: options.draining,
      });
    case "webhook":
      return createWebhookDestination(config, options);
    case "forward": {
      // The library reads environment variables as it loads: a run without forward needs no --allow-env.
      const { createForwardDestination } = await import("./forward.ts");
      return createForwardDestination(config, { ...options, notice: options.warn });
    }
  }
}

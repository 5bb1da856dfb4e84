/**
 * The error every output-configuration problem is reported through.
 *
 * @module
 */

import { ProblemsError } from "../problems.ts";

/** The output configuration is invalid; `problems` holds one line per problem, each naming field and value. */
export class ConfigError extends ProblemsError {}

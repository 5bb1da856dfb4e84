/**
 * The error every output-configuration problem is reported through.
 *
 * @module
 */

/** The output configuration is invalid; `problems` holds one line per problem, each naming field and value. */
export class ConfigError extends Error {
  /** Every problem found, one line each, in the order found. */
  readonly problems: string[];

  /** Builds the error from its problem lines; the message is those lines joined by newlines. */
  constructor(problems: string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/**
 * The error that carries a list of problems, one line each: configuration and policy
 * checks report every problem they find at once, not just the first.
 *
 * @module
 */

/** Every problem found, one line each naming the field and the value; the message joins them. */
export class ProblemsError extends Error {
  /** One line per problem, in the order found. */
  readonly problems: string[];

  /** Builds the error from its problem lines. */
  constructor(problems: string[]) {
    super(problems.join("\n"));
    this.name = new.target.name;
    this.problems = problems;
  }
}

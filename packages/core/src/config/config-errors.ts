/**
 * Errors of loading and evaluating a user's config, each pointing at the
 * user's own file, line and column.
 */
import { KilnError } from "../errors.js";

/** A place in a user's source file. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Formats a location as `file:line:col`. */
export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/** An error located in a user's config. */
export class ConfigError extends KilnError {
  override name = "ConfigError";

  constructor(
    /** What is wrong, in one line. */
    readonly problem: string,
    /** Where, when known. */
    readonly location?: SourceLocation,
    options?: ErrorOptions,
  ) {
    super(location === undefined ? problem : `${formatLocation(location)}: ${problem}`, options);
  }
}

/** The config file does not exist or cannot be read. */
export class ConfigNotFoundError extends ConfigError {
  override name = "ConfigNotFoundError";
}

/** The config is not valid TypeScript. */
export class ConfigSyntaxError extends ConfigError {
  override name = "ConfigSyntaxError";
}

/** The config threw while it was evaluated; `cause` is what it threw. */
export class ConfigEvaluationError extends ConfigError {
  override name = "ConfigEvaluationError";
}

/** An attribute path after `#` names nothing. */
export class AttributeNotFoundError extends ConfigError {
  override name = "AttributeNotFoundError";
}

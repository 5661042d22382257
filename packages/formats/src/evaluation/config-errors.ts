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

/** The config's code called `process.exit()`, which would end Kiln with nothing built and no word why. */
export class ConfigExitError extends ConfigError {
  override name = "ConfigExitError";
}

/** A promise the config's loading waits for (a top-level `await`, a default export promise) can never settle. */
export class ConfigUnsettledError extends ConfigError {
  override name = "ConfigUnsettledError";
}

/** The user's files import each other in a circle, which Node refuses ("Cannot access … before initialization"). */
export class ConfigImportCycleError extends ConfigError {
  override name = "ConfigImportCycleError";
}

/** A config imports a name its module does not export. */
export class ConfigMissingExportError extends ConfigError {
  override name = "ConfigMissingExportError";
}

/** The config exports nothing a command can use (no derivations where derivations are needed). */
export class ConfigExportError extends ConfigError {
  override name = "ConfigExportError";
}

/** The config's code threw after it was loaded: from a timer, a callback, or a promise nobody awaited. */
export class ConfigLateError extends ConfigError {
  override name = "ConfigLateError";
}

/** Evaluating the config was stopped: it ran past `--eval-timeout`, past its memory bound, or Ctrl-C was pressed. */
export class ConfigEvaluationStoppedError extends ConfigError {
  override name = "ConfigEvaluationStoppedError";

  constructor(
    problem: string,
    location: SourceLocation | undefined,
    /** Why: `timeout`, `memory` or `interrupt` (Ctrl-C). */
    readonly reason: "timeout" | "memory" | "interrupt",
  ) {
    super(problem, location);
  }
}

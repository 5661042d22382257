import { KilnError } from "@kiln/formats";

/** A build that failed: the builder exited non-zero, produced no output, or its output is wrong. */
export class BuildFailedError extends KilnError {
  override name = "BuildFailedError";

  constructor(
    message: string,
    /** The `.drv` path of the failed build. */
    readonly drvPath: string,
    /** Where its log is, if it ran. */
    readonly logPath?: string,
  ) {
    super(message);
  }
}

/** A fixed-output derivation whose output does not have the declared hash. */
export class HashMismatchError extends BuildFailedError {
  override name = "HashMismatchError";

  constructor(
    drvPath: string,
    /** The hash the derivation declared, in SRI form. */
    readonly specified: string,
    /** The hash the output has, in SRI form. */
    readonly got: string,
    logPath?: string,
  ) {
    super(`hash mismatch in fixed-output derivation '${drvPath}':\n  specified: ${specified}\n       got: ${got}`, drvPath, logPath);
  }
}

/** A realisation stopped from outside (Ctrl-C, an abort signal): nothing unfinished was registered. */
export class InterruptedError extends KilnError {
  override name = "InterruptedError";

  constructor() {
    super("interrupted: running builds were stopped and nothing unfinished was registered");
  }
}

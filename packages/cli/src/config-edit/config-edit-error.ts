/**
 * Errors of editing a user's config from the command line (`kiln add`).
 * Each names the place in the user's file that stopped the edit, and says
 * what to do instead: usually to make the one change by hand.
 */
import { ConfigError, type SourceLocation } from "@kiln/core";
import type { ConfigDiagnostic } from "../check/check-config.js";

/** The config is not written in a shape Kiln can edit safely; nothing was changed. */
export class ConfigEditError extends ConfigError {
  override name = "ConfigEditError";
}

/** The machine asked for is not among the project's machines. */
export class MachineNotFoundError extends ConfigEditError {
  override name = "MachineNotFoundError";

  constructor(
    /** The name asked for. */
    readonly machine: string,
    /** The machines the project has, in the order they are written. */
    readonly machines: readonly string[],
    location?: SourceLocation,
  ) {
    const known = machines.length === 0 ? "the project declares no machines" : `its machines are: ${machines.join(", ")}`;
    super(`no machine '${machine}' in the project's machines; ${known}`, location);
  }
}

/** No machine was named and the project has several (or none). */
export class MachineChoiceError extends ConfigEditError {
  override name = "MachineChoiceError";

  constructor(
    /** The machines the project has. */
    readonly machines: readonly string[],
    location?: SourceLocation,
  ) {
    super(
      machines.length === 0
        ? "the project declares no machines: add one under `machines` in its default export, e.g. `machines: { laptop: defineMachine({ pkgs, modules: [] }) }`"
        : `the project has ${machines.length} machines (${machines.join(", ")}); say which one with --machine NAME`,
      location,
    );
  }
}

/** The package set of the machine has no package by that name. */
export class UnknownPackageError extends ConfigEditError {
  override name = "UnknownPackageError";

  constructor(
    /** The attribute path asked for, e.g. `obsPlugins.foo`. */
    readonly attribute: string,
    /** Close names that do exist, as full attribute paths. */
    readonly suggestions: readonly string[],
    problem: string,
  ) {
    const hint = suggestions.length === 0 ? "" : ` Did you mean ${suggestions.map((name) => `'${name}'`).join(" or ")}?`;
    super(`${problem}${hint}`);
  }
}

/** The edit made the config fail to type-check; the file was put back as it was. */
export class EditTypeError extends ConfigEditError {
  override name = "EditTypeError";

  constructor(
    /** The errors the edit introduced. */
    readonly diagnostics: readonly ConfigDiagnostic[],
    problem: string,
    location?: SourceLocation,
  ) {
    super(problem, location);
  }
}

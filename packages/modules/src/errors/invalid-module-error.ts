/**
 * A module whose shape is wrong: an unknown top-level attribute next to
 * `config`/`options`, a non-object config, a bad `disabledModules` entry,
 * a non-boolean `mkIf` condition, a duplicate declaration, a read-only option
 * set twice. These are mistakes in how modules are written rather than in
 * the values they define.
 */
import { ModuleSystemError } from "./module-system-error.js";

/** Thrown when a module or a declaration is malformed. */
export class InvalidModuleError extends ModuleSystemError {
  override name = "InvalidModuleError";
}

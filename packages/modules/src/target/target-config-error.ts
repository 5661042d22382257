/**
 * A configuration of an activation target (a machine or a home) that
 * evaluates but cannot be turned into one: the parts machines and homes
 * share (the package set, the secrets manifest) throw it directly, and
 * {@link MachineConfigError} and {@link HomeConfigError} are its kinds for
 * what only one of them has. The message names the option to change.
 */
import { ModuleSystemError } from "../errors/module-system-error.js";

/** Thrown when the modules cannot build the machine or home that the configuration describes. */
export class TargetConfigError extends ModuleSystemError {
  override name = "TargetConfigError";
}

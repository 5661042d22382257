/**
 * A value that a configuration file format cannot express (a line break in
 * a systemd setting, a key sshd would misread). The message names the file
 * or option and the offending value.
 */
import { ModuleSystemError } from "../errors/module-system-error.js";

/** Thrown when a value cannot be written in a configuration file's syntax. */
export class FormatError extends ModuleSystemError {
  override name = "FormatError";
}

/**
 * A home configuration that evaluates but cannot be turned into a home:
 * two `home.file` entries for one path, a target outside the home
 * directory, a source outside the store. The message names the option to
 * change.
 */
import { TargetConfigError } from "../target/target-config-error.js";

/** Thrown when the home modules cannot build what the configuration describes. */
export class HomeConfigError extends TargetConfigError {
  override name = "HomeConfigError";
}

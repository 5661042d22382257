/**
 * A machine configuration that evaluates but cannot be turned into a
 * machine: two `environment.etc` entries for one file, an activation script
 * depending on one that does not exist, a systemd setting that cannot be
 * written into a unit file. The message names the option to change.
 */
import { TargetConfigError } from "../target/target-config-error.js";

/** Thrown when the machine modules cannot build what the configuration describes. */
export class MachineConfigError extends TargetConfigError {
  override name = "MachineConfigError";
}

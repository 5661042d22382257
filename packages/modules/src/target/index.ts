/**
 * The activation-target kernel: what machines and homes share. A target is
 * evaluated the same way ({@link Target}), typed modules are declared the
 * same way, its one derivation has the same shape, and errors in the parts
 * they share are {@link TargetConfigError}s (whose kinds are
 * `MachineConfigError` and `HomeConfigError`).
 */
export type { Target } from "./evaluate-target.js";
export type { TargetModule, TargetModuleArgs } from "./define-target-module.js";
export { TargetConfigError } from "./target-config-error.js";

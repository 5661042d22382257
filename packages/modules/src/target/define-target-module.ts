/**
 * Typed modules for an activation target: `defineMachineModule` and
 * `defineHomeModule` are this, with the machine's or the home's options
 * named. A module is an object checked against the target's options, or a
 * function of module arguments whose `pkgs` has the type of the user's
 * package set; it is `defineModule` with the target's options already known.
 */
import { callerStack, recordModuleLocation } from "../eval/module-location.js";
import type { ModuleArgs, ModuleObject, TypedModule } from "../modules/define-module.js";
import type { OptionsTree } from "../typing/config-of.js";

/** The arguments of a target's module function: the module arguments, with `pkgs` typed. */
export interface TargetModuleArgs<Config, Pkgs> extends ModuleArgs<Config> {
  /** The package set the machine or home is built with. */
  readonly pkgs: Pkgs;
}

/** A target's module: an object checked against its options, or a function of typed arguments returning one. */
export type TargetModule<Pkgs, Config> = ModuleObject<OptionsTree, Config> | ((args: TargetModuleArgs<Config, Pkgs>) => ModuleObject<OptionsTree, Config>);

/** Records where the user wrote `module` (the first frame outside Kiln), and returns it typed as a module. */
export function targetModule<Module extends object>(module: Module): TypedModule<{}> & Module {
  recordModuleLocation(module, callerStack());
  return module as TypedModule<{}> & Module;
}

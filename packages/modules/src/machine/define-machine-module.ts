/**
 * `defineMachineModule`: a module for a machine, typed by every machine
 * option and by your package set.
 *
 * It is `defineModule` with the machine options already named: `config` is
 * {@link MachineConfig} (plus the options of the modules you list), and
 * `pkgs` is the type of the set you give `defineMachine`, so
 * `pkgs.myTool` and `config.services.nginx.enable` are checked, and a
 * misspelt option is a compile error:
 *
 * ```ts
 * const web = defineMachineModule<typeof pkgs>(({ config, pkgs }) => ({
 *   config: {
 *     services: { nginx: { enable: true, virtualHosts: { "example.org": { root: "/srv/www" } } } },
 *     environment: { systemPackages: [pkgs.hello] },
 *   },
 * }));
 * ```
 *
 * Modules declaring options of their own are written with `defineModule`
 * and named in the second type argument of the modules using them:
 * `defineMachineModule<typeof pkgs, [typeof myOptions]>(…)`.
 */
import { targetModule, type TargetModule, type TargetModuleArgs } from "../target/define-target-module.js";
import type { TypedModule } from "../modules/define-module.js";
import type { ConfigOfModules } from "../typing/config-of.js";
import type { MachinePackageSet } from "../target/package-set.js";
import type { MachineConfig } from "./machine-options.js";

/** The arguments of a machine module function: the module arguments, with `pkgs` typed. */
export type MachineModuleArgs<Config, Pkgs> = TargetModuleArgs<Config, Pkgs>;

/** A machine module: an object checked against the machine options, or a function of typed arguments returning one. */
export type MachineModule<Pkgs = MachinePackageSet, Config = MachineConfig> = TargetModule<Pkgs, Config>;

/**
 * Declares a machine module (see the file comment): `Pkgs` is the type of
 * the package set, `Dependencies` modules whose options it uses besides the
 * machine's.
 */
export function defineMachineModule<Pkgs extends object = MachinePackageSet, const Dependencies extends readonly object[] = []>(
  module: MachineModule<Pkgs, MachineConfig & ConfigOfModules<Dependencies>>,
): TypedModule<{}> & MachineModule<Pkgs, MachineConfig & ConfigOfModules<Dependencies>> {
  return targetModule(module);
}

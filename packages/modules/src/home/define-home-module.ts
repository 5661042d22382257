/**
 * `defineHomeModule`: a module for a home, typed by every home option and
 * by your package set, as `defineMachineModule` is for machines:
 *
 * ```ts
 * const alice = defineHomeModule<typeof pkgs>(({ pkgs }) => ({
 *   config: {
 *     home: { username: "alice", packages: [pkgs.htop] },
 *     programs: { git: { enable: true, userName: "Alice", userEmail: "alice@example.org" } },
 *   },
 * }));
 * ```
 *
 * Modules declaring options of their own are written with `defineModule`
 * and named in the second type argument: `defineHomeModule<typeof pkgs, [typeof myOptions]>(…)`.
 */
import { targetModule, type TargetModule, type TargetModuleArgs } from "../target/define-target-module.js";
import type { TypedModule } from "../modules/define-module.js";
import type { ConfigOfModules } from "../typing/config-of.js";
import type { MachinePackageSet } from "../target/package-set.js";
import type { HomeConfig } from "./home-options.js";

/** The arguments of a home module function: the module arguments, with `pkgs` typed. */
export type HomeModuleArgs<Config, Pkgs> = TargetModuleArgs<Config, Pkgs>;

/** A home module: an object checked against the home options, or a function of typed arguments returning one. */
export type HomeModule<Pkgs = MachinePackageSet, Config = HomeConfig> = TargetModule<Pkgs, Config>;

/**
 * Declares a home module (see the file comment): `Pkgs` is the type of
 * the package set, `Dependencies` modules whose options it uses besides the
 * home's.
 */
export function defineHomeModule<Pkgs extends object = MachinePackageSet, const Dependencies extends readonly object[] = []>(
  module: HomeModule<Pkgs, HomeConfig & ConfigOfModules<Dependencies>>,
): TypedModule<{}> & HomeModule<Pkgs, HomeConfig & ConfigOfModules<Dependencies>> {
  return targetModule(module);
}

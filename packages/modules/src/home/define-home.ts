/**
 * `defineHome({ pkgs, modules })`: a user's home, as home-manager's
 * `homeManagerConfiguration` makes one.
 *
 * It evaluates the home modules and yours with `pkgs` as the module
 * argument, fails on failed assertions (reporting warnings), and returns
 * the home's activation package (`config.home.build.activationPackage`),
 * so that `kiln build ./kiln.ts#homes.alice` builds exactly the home and
 * `kiln switch --home alice` activates it. The evaluation rides along as
 * properties that are not enumerable (so Kiln's commands do not look for
 * derivations in them): `config` (whose `home.homeDirectory` is where
 * `kiln switch --home` activates by default), `options`, `pkgs`,
 * `extendModules` and `warnings`, as on a machine.
 */
import type { Derivation } from "@kiln/formats";
import { mkDefault } from "../properties/mk-override.js";
import type { ConfigOfModules } from "../typing/config-of.js";
import { evaluateTarget, type Target } from "../target/evaluate-target.js";
import type { MachinePackageSet } from "../target/package-set.js";
import { homeModules, type HomeConfig } from "./home-options.js";

/** The arguments of {@link defineHome}. */
export interface DefineHomeArgs<Pkgs extends MachinePackageSet, Modules extends readonly unknown[]> {
  /** The package set: `pkgs` of every module, and where package options find their defaults. */
  readonly pkgs: Pkgs;
  /** Your modules. */
  readonly modules: Modules;
  /** The user (`home.username`, with `mkDefault`); otherwise a module must set it. */
  readonly username?: string;
  /** The home directory (`home.homeDirectory`, with `mkDefault`); by default `/home/<username>`. */
  readonly homeDirectory?: string;
}

/**
 * What {@link defineHome} returns: the activation package, with the
 * evaluation alongside (`options.programs.git.enable.declarations`, …;
 * `extendModules` gives an evaluation whose
 * `config.home.build.activationPackage` is the extended home).
 */
export type Home<Config, Pkgs> = Target<Config, Pkgs>;

function accountModule(username: string | undefined, homeDirectory: string | undefined): object {
  return {
    _file: "defineHome({ username, homeDirectory })",
    config: {
      home: {
        ...(username === undefined ? {} : { username: mkDefault(username) }),
        ...(homeDirectory === undefined ? {} : { homeDirectory: mkDefault(homeDirectory) }),
      },
    },
  };
}

/** Evaluates a home (see the file comment). */
export function defineHome<Pkgs extends MachinePackageSet, const Modules extends readonly unknown[] = []>(args: DefineHomeArgs<Pkgs, Modules>): Home<HomeConfig & ConfigOfModules<Modules>, Pkgs> {
  return evaluateTarget<Pkgs, HomeConfig & ConfigOfModules<Modules>>({
    pkgs: args.pkgs,
    modules: [...homeModules, accountModule(args.username, args.homeDirectory), ...args.modules],
    output: (config) => config.home.build.activationPackage as Derivation,
  });
}

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
import { reportWarning, type Derivation } from "@kiln/core";
import { checkAssertions, type EvalModulesArgs, type EvaluatedModules } from "../eval/eval-modules.js";
import { evalModules } from "../lib.js";
import { mkDefault } from "../properties/mk-override.js";
import type { ConfigOfModules } from "../typing/config-of.js";
import { machinePackageSet, type MachinePackageSet } from "../machine/package-set.js";
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

/** What {@link defineHome} returns: the activation package, with the evaluation alongside. */
export type Home<Config, Pkgs> = Derivation & {
  /** The home's configuration. */
  readonly config: Config;
  /** The option tree (`options.programs.git.enable.declarations`, …). */
  readonly options: Readonly<Record<string, unknown>>;
  /** The package set it was built with. */
  readonly pkgs: Pkgs;
  /** The evaluation with more modules (nixpkgs' `extendModules`); build its `config.home.build.activationPackage`. */
  extendModules(args?: Partial<EvalModulesArgs>): EvaluatedModules<Config>;
  /** The warnings of the evaluation. */
  readonly warnings: readonly string[];
};

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
  machinePackageSet(args.pkgs);
  const modules: readonly unknown[] = [...homeModules, accountModule(args.username, args.homeDirectory), ...args.modules];
  // The home modules' types are known here; evalModules would type the result from these modules' own, untyped, list.
  const evaluated = evalModules({ modules, specialArgs: { pkgs: args.pkgs } }) as EvaluatedModules<HomeConfig & ConfigOfModules<Modules>>;
  const warnings = checkAssertions(evaluated);
  for (const warning of warnings) reportWarning(warning);
  const activationPackage = (evaluated.config as HomeConfig).home.build.activationPackage as Derivation;
  return Object.create(activationPackage, {
    config: { value: evaluated.config },
    options: { value: evaluated.options },
    pkgs: { value: args.pkgs },
    extendModules: { value: evaluated.extendModules },
    warnings: { value: warnings },
  }) as Home<HomeConfig & ConfigOfModules<Modules>, Pkgs>;
}

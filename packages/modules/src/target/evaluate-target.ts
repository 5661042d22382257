/**
 * Evaluating an activation target: what `defineMachine` (NixOS's
 * `nixosSystem`) and `defineHome` (home-manager's
 * `homeManagerConfiguration`) both do.
 *
 * The target's own modules and the user's are evaluated with `pkgs` as the
 * module argument; failed assertions throw and warnings are reported; the
 * result is the target's one derivation (a machine's toplevel, a home's
 * activation package) with the evaluation riding along as properties that
 * are not enumerable, so Kiln's commands, which look for derivations in a
 * config's exports, do not walk into it.
 */
import { reportWarning, type Derivation } from "@kiln/formats";
import { checkAssertions, type EvalModulesArgs, type EvaluatedModules } from "../eval/eval-modules.js";
import { evalModules } from "../lib.js";
import { machinePackageSet, type MachinePackageSet } from "./package-set.js";

/** A machine or a home: its derivation, with the evaluation alongside. */
export type Target<Config, Pkgs> = Derivation & {
  /** The configuration. */
  readonly config: Config;
  /** The option tree (`options.programs.git.enable.declarations`, …). */
  readonly options: Readonly<Record<string, unknown>>;
  /** The package set it was built with. */
  readonly pkgs: Pkgs;
  /** The evaluation with more modules (nixpkgs' `extendModules`). */
  extendModules(args?: Partial<EvalModulesArgs>): EvaluatedModules<Config>;
  /** The warnings of the evaluation. */
  readonly warnings: readonly string[];
};

/** What {@link evaluateTarget} needs. */
export interface EvaluateTargetArgs<Pkgs extends MachinePackageSet, Config> {
  /** The package set, `pkgs` of every module. */
  readonly pkgs: Pkgs;
  /** The target's own modules, then modules made from `define*`'s arguments, then the user's. */
  readonly modules: readonly unknown[];
  /** The target's derivation, read from the evaluated configuration. */
  readonly output: (config: Config) => Derivation;
}

/** Evaluates a machine or a home (see the file comment). */
export function evaluateTarget<Pkgs extends MachinePackageSet, Config>(args: EvaluateTargetArgs<Pkgs, Config>): Target<Config, Pkgs> {
  machinePackageSet(args.pkgs);
  // The caller knows the target modules' types; evalModules would type the result from the list's own, untyped, entries.
  const evaluated = evalModules({ modules: args.modules, specialArgs: { pkgs: args.pkgs } }) as EvaluatedModules<Config>;
  const warnings = checkAssertions(evaluated);
  for (const warning of warnings) reportWarning(warning);
  return Object.create(args.output(evaluated.config), {
    config: { value: evaluated.config },
    options: { value: evaluated.options },
    pkgs: { value: args.pkgs },
    extendModules: { value: evaluated.extendModules },
    warnings: { value: warnings },
  }) as Target<Config, Pkgs>;
}

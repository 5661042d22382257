/**
 * `defineMachine({ pkgs, modules })`: a machine, as NixOS's
 * `nixpkgs.lib.nixosSystem` makes one.
 *
 * It evaluates the machine modules and yours with `pkgs` as the module
 * argument, fails on failed assertions (reporting warnings), and returns
 * the machine's toplevel derivation (`config.system.build.toplevel`), so
 * that `kiln build ./kiln.ts#machines.web` builds exactly the machine and
 * `kiln switch` activates it. The evaluation rides along as properties
 * that are not enumerable (so Kiln's commands do not look for derivations
 * in them): `config`, typed by every machine option and your modules'
 * options; `options`; `pkgs`; and `extendModules`, which also lets
 * `kiln options ./kiln.ts#machines.web nginx` search the machine's options.
 */
import { reportWarning, type Derivation } from "@kiln/core";
import { checkAssertions, type EvalModulesArgs, type EvaluatedModules } from "../eval/eval-modules.js";
import { evalModules } from "../lib.js";
import { mkDefault } from "../properties/mk-override.js";
import type { ConfigOfModules } from "../typing/config-of.js";
import { machineModules, type MachineConfig } from "./machine-options.js";
import { machinePackageSet, type MachinePackageSet } from "./package-set.js";

/** The arguments of {@link defineMachine}. */
export interface DefineMachineArgs<Pkgs extends MachinePackageSet, Modules extends readonly unknown[]> {
  /** The package set: `pkgs` of every module, and where package options find their defaults. */
  readonly pkgs: Pkgs;
  /** Your modules. */
  readonly modules: Modules;
  /** The machine's name (`system.name`, with `mkDefault`); by default its host name. */
  readonly name?: string;
}

/** What {@link defineMachine} returns: the toplevel derivation, with the evaluation alongside. */
export type Machine<Config, Pkgs> = Derivation & {
  /** The machine's configuration. */
  readonly config: Config;
  /** The option tree (`options.services.nginx.enable.declarations`, …). */
  readonly options: Readonly<Record<string, unknown>>;
  /** The package set it was built with. */
  readonly pkgs: Pkgs;
  /** The evaluation with more modules (nixpkgs' `extendModules`); build its `config.system.build.toplevel`. */
  extendModules(args?: Partial<EvalModulesArgs>): EvaluatedModules<Config>;
  /** The warnings of the evaluation. */
  readonly warnings: readonly string[];
};

function nameModule(name: string): object {
  return { _file: "defineMachine({ name })", config: { system: { name: mkDefault(name) } } };
}

/** Evaluates a machine (see the file comment). */
export function defineMachine<Pkgs extends MachinePackageSet, const Modules extends readonly unknown[] = []>(args: DefineMachineArgs<Pkgs, Modules>): Machine<MachineConfig & ConfigOfModules<Modules>, Pkgs> {
  machinePackageSet(args.pkgs);
  const modules: readonly unknown[] = [...machineModules, ...(args.name === undefined ? [] : [nameModule(args.name)]), ...args.modules];
  // The machine modules' types are known here; evalModules would type the result from these modules' own, untyped, list.
  const evaluated = evalModules({ modules, specialArgs: { pkgs: args.pkgs } }) as EvaluatedModules<MachineConfig & ConfigOfModules<Modules>>;
  const warnings = checkAssertions(evaluated);
  for (const warning of warnings) reportWarning(warning);
  const toplevel = (evaluated.config as MachineConfig).system.build.toplevel as Derivation;
  return Object.create(toplevel, {
    config: { value: evaluated.config },
    options: { value: evaluated.options },
    pkgs: { value: args.pkgs },
    extendModules: { value: evaluated.extendModules },
    warnings: { value: warnings },
  }) as Machine<MachineConfig & ConfigOfModules<Modules>, Pkgs>;
}

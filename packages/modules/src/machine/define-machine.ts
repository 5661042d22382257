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
import type { Derivation } from "@kiln/formats";
import { mkDefault } from "../properties/mk-override.js";
import type { ConfigOfModules } from "../typing/config-of.js";
import { evaluateTarget, type Target } from "../target/evaluate-target.js";
import type { MachinePackageSet } from "../target/package-set.js";
import { machineModules, type MachineConfig } from "./machine-options.js";

/** The arguments of {@link defineMachine}. */
export interface DefineMachineArgs<Pkgs extends MachinePackageSet, Modules extends readonly unknown[]> {
  /** The package set: `pkgs` of every module, and where package options find their defaults. */
  readonly pkgs: Pkgs;
  /** Your modules. */
  readonly modules: Modules;
  /** The machine's name (`system.name`, with `mkDefault`); by default its host name. */
  readonly name?: string;
}

/**
 * What {@link defineMachine} returns: the toplevel derivation, with the
 * evaluation alongside (`options.services.nginx.enable.declarations`, …;
 * `extendModules` gives an evaluation whose `config.system.build.toplevel`
 * is the extended machine).
 */
export type Machine<Config, Pkgs> = Target<Config, Pkgs>;

function nameModule(name: string): object {
  return { _file: "defineMachine({ name })", config: { system: { name: mkDefault(name) } } };
}

/** Evaluates a machine (see the file comment). */
export function defineMachine<Pkgs extends MachinePackageSet, const Modules extends readonly unknown[] = []>(args: DefineMachineArgs<Pkgs, Modules>): Machine<MachineConfig & ConfigOfModules<Modules>, Pkgs> {
  return evaluateTarget<Pkgs, MachineConfig & ConfigOfModules<Modules>>({
    pkgs: args.pkgs,
    modules: [...machineModules, ...(args.name === undefined ? [] : [nameModule(args.name)]), ...args.modules],
    output: (config) => config.system.build.toplevel as Derivation,
  });
}

/**
 * `makeSetupHook`: a package whose only content is a setup hook, a bash
 * file that the setup of every package depending on it sources (it can
 * define functions for their phases, or add to their hooks), as nixpkgs'
 * `makeSetupHook`. `@name@` in the file is replaced by `substitutions.name`
 * (and by any other attribute of the hook's derivation, such as `@out@`).
 */
import type { DerivationAttrValue } from "@kiln/formats";
import { PackageAttributeError } from "../errors.js";
import type { Meta } from "../meta.js";
import type { InputValue, NoPassthru, Package } from "../stdenv/package.js";
import type { BuilderStdenvs } from "./builder-stdenvs.js";
import { runCommandWith } from "./run-command.js";

/** Arguments of `makeSetupHook` (`pkgs.makeSetupHook`). */
export interface MakeSetupHookArgs<Passthru extends object = NoPassthru> {
  /** The package's name. */
  readonly name: string;
  /** Values for `@name@` in the script. */
  readonly substitutions?: Readonly<Record<string, DerivationAttrValue>>;
  /** Packages that every user of the hook gets too. */
  readonly propagatedBuildInputs?: readonly InputValue[];
  /** `meta` of the package. */
  readonly meta?: Meta;
  /** `passthru` of the package. */
  readonly passthru?: Passthru;
}

/** The signature of `makeSetupHook`: arguments and the script (a store path, e.g. `path("./hook.sh")`). */
export type MakeSetupHook = <Passthru extends object = NoPassthru>(args: MakeSetupHookArgs<Passthru>, script: DerivationAttrValue) => Package<Passthru>;

const NAME = /^[a-z][A-Za-z0-9_]*$/;

const MAKE_SETUP_HOOK_SCRIPT = `mkdir -p "$out/nix-support"
substituteAll "$script" "$out/nix-support/setup-hook"
recordPropagatedDependencies
`;

/** `makeSetupHook({ name, substitutions, propagatedBuildInputs }, script)`. */
export function makeSetupHookOf(stdenvs: BuilderStdenvs): MakeSetupHook {
  return <Passthru extends object = NoPassthru>(args: MakeSetupHookArgs<Passthru>, script: DerivationAttrValue): Package<Passthru> => {
    const substitutions = args.substitutions ?? {};
    for (const key of Object.keys(substitutions)) {
      if (!NAME.test(key)) throw new PackageAttributeError(`makeSetupHook '${args.name}': substitution '${key}' must start with a lower-case letter (substituteAll only replaces such names)`);
    }
    const attrs: Record<string, unknown> = {
      ...substitutions,
      script,
      propagatedBuildInputs: args.propagatedBuildInputs ?? [],
      preferLocalBuild: true,
      allowSubstitutes: false,
    };
    if (args.meta !== undefined) attrs["meta"] = args.meta;
    if (args.passthru !== undefined) attrs["passthru"] = args.passthru;
    return runCommandWith<Passthru>({ name: args.name, stdenv: stdenvs.stdenvNoCC, derivationArgs: attrs }, MAKE_SETUP_HOOK_SCRIPT);
  };
}

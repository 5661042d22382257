/**
 * What a machine's and a home's `programs.git` share: the type of a git
 * config tree and the `enable`/`package` options. The machine writes the
 * tree as `/etc/gitconfig` (NixOS's `programs/git.nix`), a home as
 * `~/.config/git/config` (home-manager's `programs.git`).
 */
import { mkEnableOption } from "../options/mk-enable-option.js";
import { types } from "../types/index.js";
import type { OptionType } from "../types/option-type.js";
import { withOptions } from "../modules/define-module.js";
import type { AnyOptionDeclaration } from "../options/option-declaration.js";
import { located } from "./module-file.js";
import { mkMachinePackageOption } from "./package-option.js";
import { machinePackageSet } from "./package-set.js";

const gitScalarType = types.oneOf([types.str, types.int, types.bool]);
const gitValueType = types.either(gitScalarType, types.listOf(gitScalarType));

/**
 * A git config tree, `{ section: { key: value, subsection: { key: value } } }`
 * (nixpkgs' `toGitINI` input): lists repeat the key, and attributes merge
 * per section and key across modules, lists concatenating.
 */
export const gitConfigType: OptionType<Record<string, Record<string, string | number | boolean | (string | number | boolean)[] | Record<string, string | number | boolean | (string | number | boolean)[]>>>> = types.attrsOf(
  types.attrsOf(types.either(gitValueType, types.attrsOf(gitValueType))),
);

/**
 * The options module of a target's `programs.git`, declared in `file`:
 * `enable` (described as `enables`), `package` (default: `pkgs.git`), and
 * the target's own options, `extra`.
 */
export function gitProgramOptionsModule<const Extra extends Readonly<Record<string, AnyOptionDeclaration>>>(file: string, enables: string, extra: Extra) {
  return withOptions().module(
    located(file, (args) => ({
      options: {
        programs: {
          git: {
            enable: mkEnableOption(enables),
            package: mkMachinePackageOption(machinePackageSet(args.pkgs), ["programs", "git", "package"], "git"),
            ...extra,
          },
        },
      },
    })),
  );
}

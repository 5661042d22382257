/**
 * `programs.git`: git installed system-wide, and `programs.git.config`
 * written as `/etc/gitconfig` (NixOS's `programs/git.nix`), rendered by the
 * gitconfig formatter. The option type of a git config tree,
 * {@link gitConfigType}, is shared with the home's `programs.git.settings`.
 */
import { renderGitConfig, type GitConfig } from "../../formats/gitconfig.js";
import { withOptions } from "../../modules/define-module.js";
import { mkEnableOption } from "../../options/mk-enable-option.js";
import { mkOption } from "../../options/mk-option.js";
import { lazy } from "../../properties/lazy.js";
import { mkIf } from "../../properties/mk-if.js";
import { types } from "../../types/index.js";
import type { OptionType } from "../../types/option-type.js";
import { etcOptions } from "../environment/etc.js";
import { systemPackagesOptions } from "../environment/system-packages.js";
import { located } from "../module-file.js";
import { mkMachinePackageOption } from "../package-option.js";
import { machinePackageSet } from "../package-set.js";

const FILE = "@kiln/modules/machine/programs/git.ts";

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

/** The options of `programs.git`. */
export const gitOptions = withOptions().module(
  located(FILE, (args) => {
    const pkgs = machinePackageSet(args.pkgs);
    return {
      options: {
        programs: {
          git: {
            enable: mkEnableOption("git, the distributed version control system"),
            package: mkMachinePackageOption(pkgs, ["programs", "git", "package"], "git"),
            config: mkOption({
              type: gitConfigType,
              default: {},
              example: { init: { defaultBranch: "main" }, url: { "https://github.com/": { insteadOf: ["gh:", "github:"] } } },
              description:
                "The system-wide git configuration, `/etc/gitconfig`: sections of settings, with subsections as nested objects (`{ remote: { origin: { url } } }` is `[remote \"origin\"]`); lists repeat the key. Written only when git is enabled and this is not empty.",
            }),
          },
        },
      },
    };
  }),
);

/** Installs git and writes `/etc/gitconfig`. */
export const git = withOptions(gitOptions, systemPackagesOptions, etcOptions).module(
  located(FILE, ({ config }) => {
    const cfg = config.programs.git;
    return {
      key: FILE,
      imports: [gitOptions],
      config: {
        environment: {
          systemPackages: mkIf(cfg.enable, lazy(() => [cfg.package])),
          etc: { gitconfig: mkIf(lazy(() => cfg.enable && Object.keys(cfg.config).length > 0), { text: lazy(() => renderGitConfig(cfg.config as GitConfig)) }) },
        },
      },
    };
  }),
);

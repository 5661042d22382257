/**
 * `programs.git`: git installed system-wide (NixOS's `programs/git.nix`).
 */
import { withOptions } from "../../modules/define-module.js";
import { mkEnableOption } from "../../options/mk-enable-option.js";
import { lazy } from "../../properties/lazy.js";
import { mkIf } from "../../properties/mk-if.js";
import { systemPackagesOptions } from "../environment/system-packages.js";
import { located } from "../module-file.js";
import { mkMachinePackageOption } from "../package-option.js";
import { machinePackageSet } from "../package-set.js";

const FILE = "@kiln/modules/machine/programs/git.ts";

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
          },
        },
      },
    };
  }),
);

/** Installs git. */
export const git = withOptions(gitOptions, systemPackagesOptions).module(
  located(FILE, ({ config }) => {
    const cfg = config.programs.git;
    return {
      key: FILE,
      imports: [gitOptions],
      config: { environment: { systemPackages: mkIf(cfg.enable, lazy(() => [cfg.package])) } },
    };
  }),
);

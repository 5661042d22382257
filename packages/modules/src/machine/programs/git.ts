/**
 * `programs.git`: git installed system-wide, and `programs.git.config`
 * written as `/etc/gitconfig` (NixOS's `programs/git.nix`), rendered by the
 * gitconfig formatter; the options it shares with a home's `programs.git`
 * are in `target/git-program.ts`.
 */
import { renderGitConfig, type GitConfig } from "../../formats/gitconfig.js";
import { withOptions } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { lazy } from "../../properties/lazy.js";
import { mkIf } from "../../properties/mk-if.js";
import { etcOptions } from "../environment/etc.js";
import { systemPackagesOptions } from "../environment/system-packages.js";
import { located } from "../../target/module-file.js";
import { gitConfigType, gitProgramOptionsModule } from "../../target/git-program.js";

const FILE = "@kiln/modules/machine/programs/git.ts";

/** The options of `programs.git`. */
export const gitOptions = gitProgramOptionsModule(FILE, "git, the distributed version control system", {
  config: mkOption({
    type: gitConfigType,
    default: {},
    example: { init: { defaultBranch: "main" }, url: { "https://github.com/": { insteadOf: ["gh:", "github:"] } } },
    description:
      "The system-wide git configuration, `/etc/gitconfig`: sections of settings, with subsections as nested objects (`{ remote: { origin: { url } } }` is `[remote \"origin\"]`); lists repeat the key. Written only when git is enabled and this is not empty.",
  }),
});

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

/**
 * `programs.git` of a home: git installed in the home and its user
 * configuration written as `~/.config/git/config` (home-manager's
 * `programs.git`). `userName`, `userEmail` and `aliases` become the
 * `[user]` and `[alias]` sections of `settings` (also spelt
 * `extraConfig`, home-manager's name), so setting `user.name` both ways
 * with different values is a conflict the module system reports.
 */
import { renderGitConfig, type GitConfig } from "../../formats/gitconfig.js";
import { withOptions, type TypedModule } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import type { OptionDeclaration } from "../../options/option-declaration.js";
import { lazy } from "../../properties/lazy.js";
import { mkIf } from "../../properties/mk-if.js";
import { mkAliasOptionModule } from "../../renames/mk-alias-option-module.js";
import { types } from "../../types/index.js";
import { located } from "../../target/module-file.js";
import { gitConfigType, gitProgramOptionsModule } from "../../target/git-program.js";
import { homeFileOptions } from "../files/home-file.js";
import { homePackagesOptions } from "../packages/home-packages.js";

const FILE = "@kiln/modules/home/programs/git.ts";

/** Where the configuration is, relative to the home directory (git reads `$XDG_CONFIG_HOME/git/config`). */
export const GIT_CONFIG_TARGET = ".config/git/config";

/** The options of `programs.git`. */
export const homeGitOptions = gitProgramOptionsModule(FILE, "git, with its configuration in `~/.config/git/config`", {
  userName: mkOption({ type: types.nullOr(types.str), default: null, example: "Alice Liddell", description: "`user.name`: the name of your commits." }),
  userEmail: mkOption({ type: types.nullOr(types.str), default: null, example: "alice@example.org", description: "`user.email`: the email address of your commits." }),
  aliases: mkOption({ type: types.attrsOf(types.str), default: {}, example: { co: "checkout", lg: "log --oneline --graph" }, description: "Git aliases: the `[alias]` section." }),
  settings: mkOption({
    type: gitConfigType,
    default: {},
    example: { init: { defaultBranch: "main" }, remote: { origin: { fetch: ["+refs/heads/*:refs/remotes/origin/*"] } } },
    description:
      "The configuration, `~/.config/git/config`: sections of settings, with subsections as nested objects (`{ remote: { origin: { url } } }` is `[remote \"origin\"]`); lists repeat the key. `userName`, `userEmail` and `aliases` are merged into it.",
  }),
});

/** `programs.git.extraConfig`, home-manager's name of `programs.git.settings`. */
export const homeGitExtraConfigAlias = mkAliasOptionModule(["programs", "git", "extraConfig"], ["programs", "git", "settings"]) as TypedModule<{
  readonly programs: { readonly git: { readonly extraConfig: OptionDeclaration<GitConfig, GitConfig> } };
}>;

/** Installs git and writes its configuration. */
export const homeGit = withOptions(homeGitOptions, homePackagesOptions, homeFileOptions).module(
  located(FILE, ({ config }) => {
    const cfg = config.programs.git;
    return {
      key: FILE,
      imports: [homeGitOptions, homeGitExtraConfigAlias],
      config: {
        programs: {
          git: {
            settings: {
              user: {
                name: mkIf(lazy(() => cfg.userName !== null), lazy(() => cfg.userName ?? "")),
                email: mkIf(lazy(() => cfg.userEmail !== null), lazy(() => cfg.userEmail ?? "")),
              },
              alias: lazy(() => cfg.aliases),
            },
          },
        },
        home: {
          packages: mkIf(cfg.enable, lazy(() => [cfg.package])),
          file: { [GIT_CONFIG_TARGET]: mkIf(cfg.enable, { text: lazy(() => renderGitConfig(cfg.settings as GitConfig)) }) },
        },
      },
    };
  }),
);

/**
 * `programs.bash` of a home: the user's bash startup files (home-manager's
 * `programs.bash`):
 *
 * - `~/.profile`: sources `~/.kiln/session-vars.sh` (so `~/.kiln-profile/bin`
 *   is on `PATH`) and exports `programs.bash.sessionVariables`;
 * - `~/.bash_profile`: what a bash login shell reads instead of
 *   `~/.profile`, so it sources `~/.profile`, and `~/.bashrc` when
 *   interactive;
 * - `~/.bashrc`: `bashrcExtra` (for every shell), the session variables
 *   (for shells that did not start from a login), then, in interactive
 *   shells only, the aliases and `initExtra`.
 */
import { renderShellVariables } from "../../formats/shell-variables.js";
import { defineModule, withOptions } from "../../modules/define-module.js";
import { mkEnableOption } from "../../options/mk-enable-option.js";
import { mkOption } from "../../options/mk-option.js";
import { showOption } from "../../options/show-option.js";
import { lazy } from "../../properties/lazy.js";
import { mkIf } from "../../properties/mk-if.js";
import { types } from "../../types/index.js";
import { located } from "../../target/module-file.js";
import { aliasLines, mkShellAliasesOption } from "../../target/shell-aliases.js";
import { homeFileOptions } from "../files/home-file.js";
import { SESSION_VARIABLES_TARGET } from "../session/session-variables.js";

const FILE = "@kiln/modules/home/programs/bash.ts";

/** The options of `programs.bash`. */
export const homeBashOptions = defineModule({
  _file: FILE,
  options: {
    programs: {
      bash: {
        enable: mkEnableOption("bash's startup files in the home: `~/.profile`, `~/.bash_profile` and `~/.bashrc`"),
        shellAliases: mkShellAliasesOption(),
        sessionVariables: mkOption({
          type: types.attrsOf(types.either(types.str, types.int)),
          default: {},
          example: { HISTCONTROL: "ignoredups" },
          description: "Environment variables exported by `~/.profile`, after `home.sessionVariables`. Values are shell words in double quotes: `$HOME` expands.",
        }),
        bashrcExtra: mkOption({ type: types.lines, default: "", description: "Shell code at the start of `~/.bashrc`, run by every bash that reads it, interactive or not." }),
        initExtra: mkOption({ type: types.lines, default: "", description: "Shell code run when an interactive bash starts, after the aliases are defined." }),
      },
    },
  },
});

const SOURCE_SESSION_VARIABLES = `if [ -r "$HOME/${SESSION_VARIABLES_TARGET}" ]; then . "$HOME/${SESSION_VARIABLES_TARGET}"; fi`;

function trimmed(code: string): string[] {
  return code.trim() === "" ? [] : [code.replace(/\n+$/, "")];
}

/** The text of `~/.profile`. */
export function profileText(sessionVariables: Readonly<Record<string, string | number>>): string {
  return ["# Written by Kiln from programs.bash.", SOURCE_SESSION_VARIABLES, renderShellVariables(showOption(["programs", "bash", "sessionVariables"]), sessionVariables)].join("\n");
}

/** The text of `~/.bash_profile`. */
export function bashProfileText(): string {
  return [
    "# Written by Kiln from programs.bash: bash login shells read this file instead of ~/.profile.",
    'if [ -r "$HOME/.profile" ]; then . "$HOME/.profile"; fi',
    'if [[ $- == *i* ]] && [ -r "$HOME/.bashrc" ]; then . "$HOME/.bashrc"; fi',
    "",
  ].join("\n");
}

/** The text of `~/.bashrc`. */
export function bashrcText(aliases: Readonly<Record<string, string | null>>, bashrcExtra: string, initExtra: string): string {
  return [
    "# Written by Kiln from programs.bash.",
    ...trimmed(bashrcExtra),
    SOURCE_SESSION_VARIABLES,
    "# The rest is for interactive shells only.",
    "[[ $- == *i* ]] || return",
    ...aliasLines(aliases),
    ...trimmed(initExtra),
    "",
  ].join("\n");
}

/** Writes bash's startup files. */
export const homeBash = withOptions(homeBashOptions, homeFileOptions).module(
  located(FILE, ({ config }) => {
    const cfg = config.programs.bash;
    return {
      key: FILE,
      imports: [homeBashOptions],
      config: {
        home: {
          file: mkIf(cfg.enable, {
            ".profile": { text: lazy(() => profileText(cfg.sessionVariables)) },
            ".bash_profile": { text: bashProfileText() },
            ".bashrc": { text: lazy(() => bashrcText(cfg.shellAliases, cfg.bashrcExtra, cfg.initExtra)) },
          }),
        },
      },
    };
  }),
);

/**
 * `home.sessionVariables`: environment variables of the user's sessions,
 * written as `~/.kiln/session-vars.sh` (home-manager's
 * `hm-session-vars.sh`), which the shells the home configures source
 * (`programs.bash`'s `~/.profile` and `~/.bashrc`); source it from other
 * shells' startup files yourself.
 *
 * The file also puts `~/.kiln-profile/bin` (the home's packages) first on
 * `PATH`. It sets `__KILN_SESSION_VARS_SOURCED`, so a login shell that reads
 * `~/.profile` and then `~/.bashrc` applies it once, and child shells
 * inherit rather than prepend `PATH` again. Values are shell words in double
 * quotes: `$HOME` expands, nothing else does.
 */
import { renderShellVariables } from "../../formats/shell-variables.js";
import { defineModule, withOptions } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { showOption } from "../../options/show-option.js";
import { lazy } from "../../properties/lazy.js";
import { types } from "../../types/index.js";
import { located } from "../../target/module-file.js";
import { homeFileOptions } from "../files/home-file.js";
import { PROFILE_LINK } from "../packages/home-packages.js";

const FILE = "@kiln/modules/home/session/session-variables.ts";

/** Where the file is, relative to the home directory. */
export const SESSION_VARIABLES_TARGET = ".kiln/session-vars.sh";

/** The option `home.sessionVariables`. */
export const sessionVariablesOptions = defineModule({
  _file: FILE,
  options: {
    home: {
      sessionVariables: mkOption({
        type: types.attrsOf(types.either(types.str, types.int)),
        default: {},
        example: { EDITOR: "nvim", GOPATH: "$HOME/go" },
        description: "Environment variables of the user's sessions, exported by `~/.kiln/session-vars.sh`. Values are shell words in double quotes: `$HOME` expands, nothing else does.",
      }),
    },
  },
});

/** The text of `~/.kiln/session-vars.sh`. */
export function sessionVariablesScript(variables: Readonly<Record<string, string | number>>): string {
  const exports = renderShellVariables(showOption(["home", "sessionVariables"]), variables)
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => `  ${line}`);
  return [
    "# Written by Kiln from home.sessionVariables and home.packages.",
    'if [ -z "${__KILN_SESSION_VARS_SOURCED-}" ]; then',
    "  export __KILN_SESSION_VARS_SOURCED=1",
    `  export PATH="$HOME/${PROFILE_LINK}/bin\${PATH:+:\$PATH}"`,
    ...exports,
    "fi",
    "",
  ].join("\n");
}

/** Writes `~/.kiln/session-vars.sh`. */
export const sessionVariables = withOptions(sessionVariablesOptions, homeFileOptions).module(
  located(FILE, ({ config }) => ({
    key: FILE,
    imports: [sessionVariablesOptions],
    config: { home: { file: { [SESSION_VARIABLES_TARGET]: { text: lazy(() => sessionVariablesScript(config.home.sessionVariables)) } } } },
  })),
);

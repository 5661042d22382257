/**
 * `programs.bash`: the system-wide bash configuration for interactive
 * shells, written as `/etc/bash.bashrc` (which Debian's and most
 * distributions' bash read; NixOS's is `/etc/bashrc`): the environment of
 * `environment.variables` (for shells that are not login shells), aliases,
 * and `interactiveShellInit`.
 *
 * Unlike NixOS, it is off by default: on a host distribution the file
 * replaces the distribution's own `/etc/bash.bashrc`.
 */
import { defineModule, withOptions } from "../../modules/define-module.js";
import { mkEnableOption } from "../../options/mk-enable-option.js";
import { mkOption } from "../../options/mk-option.js";
import { lazy } from "../../properties/lazy.js";
import { mkIf } from "../../properties/mk-if.js";
import { types } from "../../types/index.js";
import { etcOptions } from "../environment/etc.js";
import { ENVIRONMENT_SCRIPT_TARGET } from "../environment/variables.js";
import { located } from "../../target/module-file.js";
import { aliasLines, mkShellAliasesOption } from "../../target/shell-aliases.js";

const FILE = "@kiln/modules/machine/programs/bash.ts";

/** The options of `programs.bash`. */
export const bashOptions = defineModule({
  _file: FILE,
  options: {
    programs: {
      bash: {
        enable: mkEnableOption("the system-wide bash configuration for interactive shells, `/etc/bash.bashrc` (it replaces the host's)"),
        shellAliases: mkShellAliasesOption(),
        interactiveShellInit: mkOption({ type: types.lines, default: "", description: "Shell code run when an interactive bash starts, after the aliases are defined." }),
      },
    },
  },
});

/** The text of `/etc/bash.bashrc`. */
export function bashrcText(aliases: Readonly<Record<string, string | null>>, interactiveShellInit: string): string {
  return [
    "# Written by Kiln from programs.bash.",
    "# Only once per shell, and only for interactive ones.",
    'if [ -n "${__KILN_ETC_BASHRC_SOURCED-}" ] || [ -z "${PS1-}" ]; then return; fi',
    "__KILN_ETC_BASHRC_SOURCED=1",
    `if [ -z "\${__KILN_SET_ENVIRONMENT_DONE-}" ] && [ -r /etc/${ENVIRONMENT_SCRIPT_TARGET} ]; then . /etc/${ENVIRONMENT_SCRIPT_TARGET}; fi`,
    ...aliasLines(aliases),
    ...(interactiveShellInit === "" ? [] : [interactiveShellInit.replace(/\n+$/, "")]),
    "",
  ].join("\n");
}

/** Writes `/etc/bash.bashrc`. */
export const bash = withOptions(bashOptions, etcOptions).module(located(FILE, ({ config }) => {
  const cfg = config.programs.bash;
  return {
    key: FILE,
    imports: [bashOptions],
    config: {
      environment: { etc: { "bash.bashrc": mkIf(cfg.enable, { text: lazy(() => bashrcText(cfg.shellAliases, cfg.interactiveShellInit)) }) } },
    },
  };
}));

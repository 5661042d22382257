/**
 * `environment.variables`: environment variables of every login shell,
 * written as `/etc/profile.d/kiln-environment.sh`.
 *
 * NixOS writes its variables to `/etc/set-environment`, which its own
 * `/etc/profile` and `/etc/bashrc` source. A host distribution's
 * `/etc/profile` sources every `/etc/profile.d/*.sh` instead, so that is
 * where Kiln puts them, together with the installed packages' `bin` and
 * `sbin` on `PATH`. As on NixOS the values are shell words in double
 * quotes: `$HOME` and `${XDG_DATA_HOME}` expand, nothing else does. The file
 * sets `__KILN_SET_ENVIRONMENT_DONE`, so `/etc/bash.bashrc`
 * (`programs.bash`) sources it once per session.
 */
import { defineModule, withOptions } from "../../modules/define-module.js";
import { isShellVariableName, shellDoubleQuote } from "../../formats/shell-quote.js";
import { mkOption } from "../../options/mk-option.js";
import { showOption } from "../../options/show-option.js";
import { lazy } from "../../properties/lazy.js";
import { types } from "../../types/index.js";
import type { PackageValue } from "../../types/primitive-types.js";
import { MachineConfigError } from "../machine-config-error.js";
import { packagePath } from "../../target/package-values.js";
import { etcOptions } from "./etc.js";
import { systemPackagesOptions } from "./system-packages.js";
import { located } from "../../target/module-file.js";

const FILE = "@kiln/modules/machine/environment/variables.ts";

/** Where the file is, relative to `/etc`. */
export const ENVIRONMENT_SCRIPT_TARGET = "profile.d/kiln-environment.sh";

/** The option `environment.variables`. */
export const environmentVariablesOptions = defineModule({
  _file: FILE,
  options: {
    environment: {
      variables: mkOption({
        type: types.attrsOf(types.either(types.str, types.listOf(types.str))),
        default: {},
        example: { EDITOR: "nvim", XDG_DATA_DIRS: ["/usr/local/share", "/usr/share"] },
        description:
          "Environment variables of login shells, set in `/etc/profile.d/kiln-environment.sh`. A list is joined with `:`. Values are shell words in double quotes: `$HOME` expands.",
      }),
    },
  },
});

/** The text of `profile.d/kiln-environment.sh`. */
export function environmentScript(systemPath: PackageValue, variables: Readonly<Record<string, string | readonly string[]>>): string {
  const sw = packagePath(systemPath);
  const exports = Object.entries(variables).map(([name, value]) => {
    if (!isShellVariableName(name)) {
      throw new MachineConfigError(`\`${name}' in ${showOption(["environment", "variables"])} is not a valid environment variable name: use letters, digits and _, not starting with a digit.`);
    }
    return `  export ${name}=${shellDoubleQuote(typeof value === "string" ? value : value.join(":"))}`;
  });
  return [
    "# Written by Kiln from environment.systemPackages and environment.variables.",
    'if [ -z "${__KILN_SET_ENVIRONMENT_DONE-}" ]; then',
    "  export __KILN_SET_ENVIRONMENT_DONE=1",
    `  export PATH="${sw}/bin:${sw}/sbin\${PATH:+:\$PATH}"`,
    ...exports,
    "fi",
    "",
  ].join("\n");
}

/** Writes `profile.d/kiln-environment.sh`. */
export const environmentVariables = withOptions(environmentVariablesOptions, systemPackagesOptions, etcOptions).module(located(FILE, ({ config }) => ({
  key: FILE,
  imports: [environmentVariablesOptions],
  config: {
    environment: {
      etc: { [ENVIRONMENT_SCRIPT_TARGET]: { text: lazy(() => environmentScript(config.system.path, config.environment.variables)) } },
    },
  },
})));

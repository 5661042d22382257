/**
 * `programs.bash.shellAliases`, shared by a machine's `/etc/bash.bashrc`
 * and a home's `~/.bashrc` (NixOS's and home-manager's option of the same
 * name): the option and the `alias` lines it becomes.
 */
import { shellSingleQuote } from "../formats/shell-quote.js";
import { mkOption } from "../options/mk-option.js";
import { showOption } from "../options/show-option.js";
import { types } from "../types/index.js";
import { TargetConfigError } from "./target-config-error.js";

/** The option `programs.bash.shellAliases`. */
export function mkShellAliasesOption() {
  return mkOption({
    type: types.attrsOf(types.nullOr(types.str)),
    default: {},
    example: { ll: "ls -l", gs: "git status" },
    description: "Aliases of interactive bash shells; `null` leaves one out.",
  });
}

/** `alias name='value'` lines; alias names cannot contain quotes, spaces, `/`, `$`, or `=`. */
export function aliasLines(aliases: Readonly<Record<string, string | null>>): string[] {
  return Object.entries(aliases).flatMap(([name, value]) => {
    if (value === null) return [];
    if (!/^[^\s'"`$=/\\]+$/.test(name)) throw new TargetConfigError(`\`${name}' in ${showOption(["programs", "bash", "shellAliases"])} is not a valid alias name: leave out spaces, quotes, \`$', \`=', \`/' and \`\\'.`);
    return [`alias ${name}=${shellSingleQuote(value)}`];
  });
}

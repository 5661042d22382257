/**
 * Environment variables as POSIX shell `export` lines, for the shell files
 * homes source (`home.sessionVariables`, `programs.bash.sessionVariables`).
 *
 * As in NixOS's `environment.variables`, a value is a shell word in double
 * quotes: `$HOME` and `${XDG_DATA_HOME}` expand when the file is sourced,
 * and nothing else does (no command substitution, no arithmetic, no
 * globbing, no word splitting), so `say "hi"`, `$(date)` or a backslash
 * arrive as written (see `shellDoubleQuote`). Numbers are written in decimal.
 */
import { FormatError } from "./format-error.js";
import { isShellVariableName, shellDoubleQuote } from "./shell-quote.js";

/** A variable's value. */
export type ShellVariableValue = string | number;

/** The `export NAME="value"` line of one variable; `where` names the option in errors. */
export function shellVariableExport(where: string, name: string, value: ShellVariableValue): string {
  if (!isShellVariableName(name)) {
    throw new FormatError(`\`${name}' in ${where} is not a valid environment variable name: use letters, digits and _, not starting with a digit`);
  }
  if (typeof value === "number" && !Number.isFinite(value)) throw new FormatError(`${where}.${name} is ${value}, which is not a number a shell can hold`);
  const text = String(value);
  // A NUL cannot be in an environment variable at all.
  if (text.includes("\0")) throw new FormatError(`${where}.${name} contains a NUL character, which an environment variable cannot hold`);
  return `export ${name}=${shellDoubleQuote(text)}`;
}

/** The `export` lines of `variables`, in order, each ending in a newline. */
export function renderShellVariables(where: string, variables: Readonly<Record<string, ShellVariableValue>>): string {
  return Object.entries(variables)
    .map(([name, value]) => `${shellVariableExport(where, name, value)}\n`)
    .join("");
}

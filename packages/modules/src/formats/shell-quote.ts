/**
 * Quoting text for POSIX shells (sh, bash), for the shell files machine
 * modules write:
 *
 * - {@link shellSingleQuote}: the text exactly, nothing expanded
 *   (nixpkgs' `escapeShellArg`);
 * - {@link shellDoubleQuote}: the text in double quotes with `"`, `\`,
 *   `` ` `` and every `$` but those of `$NAME`/`${NAME}` escaped, so that
 *   parameters expand, as NixOS's `environment.variables` values do in
 *   `/etc/set-environment`, but `$(…)` and `$((…))` do not run.
 */

/** `'text'`, with each `'` written as `'\''`. */
export function shellSingleQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/** `"text"` in which parameters (`$HOME`, `${XDG_DATA_HOME}`) still expand, but nothing else is special. */
export function shellDoubleQuote(text: string): string {
  return `"${text.replace(/[\\"`]|\$(?![A-Za-z_]|\{[A-Za-z_][A-Za-z0-9_]*\})/g, "\\$&")}"`;
}

/** Whether `name` is a valid shell variable (and environment variable) name. */
export function isShellVariableName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/**
 * Reading maintainer scripts without running them: a script's commands and
 * a command's words, as far as they are literal. Kiln reads what a
 * `postinst` would do (`update-alternatives --install`, `adduser
 * --system`) from its text; a word the shell would make at run time (`$i`,
 * `$(…)`, a glob) is marked, so that nothing is guessed from it.
 */

/** A shell script's commands, roughly: its lines (backslash-newline continuing one), split at `;`, `&&` and `||`. */
export function scriptCommands(script: string): string[] {
  return script.replace(/\\\n/g, " ").split(/\n|;|&&|\|\|/);
}

/** Splits a shell command line into words, keeping quoted text; `undefined` for a word the shell would expand. */
export function words(command: string): (string | undefined)[] {
  const found: (string | undefined)[] = [];
  for (const match of command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) {
    const word = match[1] ?? match[2] ?? match[3] ?? "";
    found.push(match[1] === undefined && /[$`*?[\]]/.test(word) ? undefined : word);
  }
  return found;
}


/**
 * What needs every command's declaration: the list `kiln help` prints, and
 * the suggestion for a misspelt command. Loaded only for those, so that a
 * command that runs loads its own module alone (see `commands/command-loaders.ts`).
 */
import { editDistance } from "@kiln/core";
import { COMMANDS } from "./commands/index.js";

/** The help text of `kiln` itself. */
export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    "Usage: kiln COMMAND [OPTIONS] [ARGS]",
    "",
    "Declare packages and machines in TypeScript; build them with Nix's semantics.",
    "",
    "Commands:",
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    "",
    "Run 'kiln COMMAND --help' for a command's options.",
    "",
  ].join("\n");
}

/** ". Did you mean 'build'?" for a misspelt command: the closest one by edit distance, allowing two edits (a swapped pair of letters) or a third of the name. */
export function commandSuggestion(name: string): string {
  const allowed = Math.max(2, Math.floor(name.length / 3));
  const ranked = COMMANDS.map((command) => ({ name: command.name, distance: editDistance(name, command.name) }))
    .filter((candidate) => candidate.distance <= allowed)
    .sort((left, right) => left.distance - right.distance || left.name.localeCompare(right.name));
  const best = ranked[0];
  return best === undefined ? "" : `. Did you mean '${best.name}'?`;
}


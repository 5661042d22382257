/**
 * The CLI reference, written from the commands' own declarations (the
 * same data `kiln help` prints), so it cannot disagree with the CLI.
 */
import { COMMANDS, GLOBAL_OPTIONS, type OptionSpec } from "@kiln/cli";
import type { SearchEntry } from "./search-entry.js";
import { slug } from "./html.js";

function optionRow(option: OptionSpec): string {
  const names = `${option.short === undefined ? "" : `\`-${option.short}\`, `}\`--${option.name}${option.value === undefined ? "" : ` ${option.value}`}\``;
  const cell = option.description.replace(/\|/g, "\\|");
  return `| ${names} | ${cell}${option.multiple === true ? " (may be given several times)" : ""} |`;
}

function optionTable(options: readonly OptionSpec[]): string[] {
  return ["| Option | Meaning |", "| --- | --- |", ...options.map(optionRow)];
}

/** The CLI reference as Markdown. */
export function cliReferenceMarkdown(): string {
  const lines = [
    "# CLI reference",
    "",
    "Every `kiln` command, as `kiln help` describes it. Each is a thin layer over a function of Kiln's packages (see the API reference), so a program can do what the command does.",
    "",
    "| Command | What it does |",
    "| --- | --- |",
    ...COMMANDS.map((command) => `| [\`kiln ${command.name}\`](#${slug(`kiln ${command.name}`)}) | ${command.summary} |`),
    "",
    "## Options of every command",
    "",
    ...optionTable(GLOBAL_OPTIONS),
  ];
  for (const command of COMMANDS) {
    lines.push("", `## kiln ${command.name}`, "", "```sh", `kiln ${command.usage}`, "```", "", `${command.summary}.`);
    if (command.description !== undefined) lines.push("", command.description);
    if (command.options.length > 0) lines.push("", ...optionTable(command.options));
  }
  return `${lines.join("\n")}\n`;
}

/** A search entry for each command. */
export function cliSearchEntries(): SearchEntry[] {
  return COMMANDS.map((command) => ({ title: `kiln ${command.name}`, url: `cli.html#${slug(`kiln ${command.name}`)}`, kind: "command", detail: command.summary }));
}

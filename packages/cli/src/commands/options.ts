/**
 * `kiln options FILE.ts#attr [QUERY]`: search the options of a configuration
 * (an `evalModules` result, or modules) by name and description, showing
 * type, default, current value, and where each is declared and defined.
 */
import { evaluateInstallable } from "@kiln/core";
import { defineCommand } from "../settings/define-command.js";
import { flag } from "../settings/typed-option.js";
import { evaluateOptions } from "../config-options.js";
import { UsageError } from "../usage-error.js";

export const optionsCommand = defineCommand({
  name: "options",
  summary: "Search the options of a configuration: type, default, value, declarations and definitions",
  usage: "options FILE.ts#attr [QUERY…] [--json] [--names]",
  description:
    "The attribute is an evalModules result (or a module, or a list of modules, which are evaluated). Every word of QUERY must appear in an option's name or description. --names lists only the names.",
  options: [
    flag("json", { description: "Print the matches as JSON" }),
    flag("names", { description: "Print only the option names" }),
  ],
  async run(settings, io) {
    const [installable, ...query] = settings.positionals;
    if (installable === undefined) throw new UsageError("'kiln options' needs a configuration, e.g. 'kiln options ./kiln.ts#machines.studio nginx'");
    const { value } = await evaluateInstallable(installable, evaluateOptions(settings));
    // @kiln/modules is large: load it only for this command, so that the others start faster.
    const { asEvaluatedOptions, formatOptionMatch, searchOptions } = await import("../options/search-options.js");
    const found = searchOptions(asEvaluatedOptions(value), query.join(" "));
    if (settings.json) io.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
    else if (settings.names) for (const match of found) io.stdout.write(`${match.name}\n`);
    else io.stdout.write(found.map(formatOptionMatch).join("\n\n") + (found.length > 0 ? "\n" : ""));
    if (found.length === 0) {
      io.stderr.write(`no option matches '${query.join(" ")}'\n`);
      return 1;
    }
    return 0;
  },
});

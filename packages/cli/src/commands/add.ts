/**
 * `kiln add PKG [--machine NAME] [--file FILE] [--dry-run]`: add a package
 * to a machine's `environment.systemPackages` by editing the project's
 * `kiln.ts` in place, formatting kept: an imperative command that leaves a
 * declarative change. The work is `addSystemPackage`'s (`config-edit/`).
 */
import { relative } from "node:path";
import { defineCommand } from "../settings/define-command.js";
import { flag, text } from "../settings/typed-option.js";
import { evaluateOptions } from "../config-options.js";
import { UsageError } from "../usage-error.js";

/** `file` as the user would write it from here. */
function displayPath(file: string): string {
  const fromHere = relative(process.cwd(), file);
  return fromHere.startsWith("..") || fromHere === "" ? file : fromHere;
}

export const addCommand = defineCommand({
  name: "add",
  summary: "Add a package to a machine's environment.systemPackages, editing kiln.ts in place",
  usage: "add PKG [--machine NAME] [--file FILE] [--dry-run]",
  description:
    "PKG is an attribute of the machine's package set (ripgrep, obsPlugins.obs-backgroundremoval); it is checked before anything is written. The package is appended to the systemPackages of one of the machine's inline modules, or a new inline module listing it is added to its modules; the rest of the file is left byte for byte. The edited config must still type-check, or the file is put back. --machine may be left out when the project has one machine.",
  options: [
    text("machine", { short: "m", value: "NAME", description: "The machine, by its name under `machines` (default: the only one)" }),
    text("file", { short: "f", value: "FILE", description: "The project file (default: ./kiln.ts)" }),
    flag("dry-run", { description: "Print the change as a diff and write nothing" }),
  ],
  async run(settings, io) {
    const [attribute, ...rest] = settings.positionals;
    if (attribute === undefined) throw new UsageError("'kiln add' needs a package, e.g. 'kiln add ripgrep --machine laptop'");
    if (rest.length > 0) throw new UsageError(`'kiln add' adds one package at a time, but got also: ${rest.join(" ")}`);
    const { machine, file } = settings;
    // ts-morph (and the TypeScript compiler) is large: load it only for this command.
    const { addSystemPackage } = await import("../config-edit/add-system-package.js");
    const result = await addSystemPackage(file ?? "kiln.ts", attribute, {
      ...evaluateOptions(settings),
      ...(machine !== undefined ? { machine } : {}),
      dryRun: settings.dryRun,
    });
    const where = `${displayPath(result.file)}${result.line === undefined ? "" : `:${result.line}`}`;
    const target = `machines.${result.machine}`;
    switch (result.outcome) {
      case "already-installed":
        io.stdout.write(
          result.line === undefined
            ? `${attribute} is already installed on ${target} (one of its modules lists it); nothing changed\n`
            : `${result.expression} is already in ${target}'s systemPackages (${where}); nothing changed\n`,
        );
        return 0;
      case "would-add":
        io.stdout.write(result.diff);
        io.stderr.write(`dry run: would add ${result.expression} to ${target} in ${where}; nothing written\n`);
        return 0;
      case "added":
        io.stdout.write(`added ${result.expression} to ${target} in ${where}${result.newModule ? " (in a new inline module)" : ""}\n`);
        io.stderr.write(`run 'kiln switch ${file !== undefined ? `${file} ` : ""}--machine ${result.machine}' to apply it\n`);
        return 0;
    }
  },
});

/**
 * `kiln check FILE.ts`: type-check a config and what it imports, reporting
 * each problem with its position, before anything is evaluated; then, if
 * it is well typed, evaluate it, since what TypeScript cannot express (a
 * user name with a `:`, a home with `..`) the option types refuse only when
 * the modules are evaluated, also naming the file and line.
 */
import { existsSync } from "node:fs";
import { evaluateInstallable, findDerivations, setStoreDir } from "@kiln/core";
import { writePackageNamesFromStore } from "@kiln/debian";
import { defineCommand } from "../settings/define-command.js";
import { flag } from "../settings/typed-option.js";
import { evaluateOptions, fallbackPackages, resolveInstallable } from "../config-options.js";
import { configFileOf, lockFileOf } from "../debian-inputs.js";
import { storeDirFor, type StoreSettings } from "../store-options.js";
import { UsageError } from "../usage-error.js";

/** Brings the `kiln.lock.d.ts` beside the config's lock up to date from the indexes this command's store has, before the compiler reads it. */
function writeDebianPackageNames(file: string, settings: StoreSettings): void {
  const lockFile = lockFileOf(configFileOf({ file }));
  if (!existsSync(lockFile)) return;
  setStoreDir(storeDirFor(settings));
  writePackageNamesFromStore(lockFile);
}

export const checkCommand = defineCommand({
  name: "check",
  summary: "Type-check, then evaluate, a config: misspelt options and refused values, with their positions",
  usage: "check FILE.ts [--types-only]",
  description:
    "Runs the TypeScript compiler over the config and its imports (strict), with @kiln/* and Node's types available, and prints each problem as file:line:col. A well-typed config is then evaluated, as 'kiln instantiate --read-only' would, so that values the option types refuse (a user name with ':', a home with '..', an /etc name outside /etc) are reported with the file and line that defined them. Exits 1 if there are errors.",
  options: [flag("types-only", { description: "Only type-check; do not evaluate the config" })],
  async run(settings, io) {
    const [file, ...rest] = settings.positionals;
    if (file === undefined || rest.length > 0) throw new UsageError("'kiln check' takes one config file, e.g. 'kiln check ./kiln.ts'");
    writeDebianPackageNames(file.replace(/#.*$/, ""), settings);
    // The TypeScript compiler is large: load it only for this command.
    const { checkConfig, formatConfigDiagnostic } = await import("../check/check-config.js");
    const diagnostics = checkConfig(file.replace(/#.*$/, ""), { fallbackPackages: fallbackPackages() });
    for (const diagnostic of diagnostics) io.stderr.write(`${formatConfigDiagnostic(diagnostic)}\n`);
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === "error").length;
    io.stderr.write(errors === 0 ? `${file}: no type errors\n` : `${file}: ${errors} type error${errors === 1 ? "" : "s"}\n`);
    if (errors > 0) return 1;
    // Evaluating runs the config's code: its errors are reported (with their files and lines) as every command reports them.
    if (!settings.typesOnly) findDerivations(await evaluateInstallable(resolveInstallable(file.replace(/#.*$/, "")), evaluateOptions(settings)));
    return 0;
  },
});

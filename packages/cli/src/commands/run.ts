/**
 * `kiln run INSTALLABLE [-- ARGS…]`: build a package and run its main
 * program, installing nothing, as `nix run` does.
 */
import { existsSync, readdirSync } from "node:fs";
import { defineCommand } from "../settings/define-command.js";
import { REALISE_OPTIONS } from "../store-options.js";
import { PRINT_BUILD_LOGS } from "./build.js";
import { UsageError } from "../usage-error.js";
import { binOutputOf, mainProgramOf } from "../run/main-program.js";
import { buildForRunning, findPackages, runInheritingTerminal, RunError } from "../run/built-packages.js";

export const runCommand = defineCommand({
  name: "run",
  summary: "Build a package and run its main program (meta.mainProgram) without installing it",
  usage: "run INSTALLABLE [--realiser local|nix] [-L] [-- ARGS…]",
  description:
    "INSTALLABLE is a config and attribute (./kiln.ts#hello) or a package of the default set (@kiln/pkgs#hello). " +
    "The program is bin/<meta.mainProgram>, else bin/<pname>, else the name without its version, as nix run chooses. " +
    "Arguments after -- go to the program; its exit code is kiln's.",
  options: [...REALISE_OPTIONS, PRINT_BUILD_LOGS],
  restMarkers: ["--"],
  async run(settings, io, session) {
    const [installable, ...extra] = settings.positionals;
    if (installable === undefined) throw new UsageError("'kiln run' needs a package, e.g. 'kiln run ./kiln.ts#hello' or 'kiln run @kiln/pkgs#hello'");
    if (extra.length > 0) throw new UsageError(`'kiln run' runs one package; put the program's arguments after '--': kiln run ${installable} -- ${extra.join(" ")}`);
    if (settings.realiser === "dry-run") throw new UsageError("'kiln run' cannot run with the dry-run realiser; use 'kiln build --realiser dry-run'");
    const roots = await findPackages(settings, [installable]);
    const [pkg, ...others] = roots;
    if (pkg === undefined) return 1;
    if (others.length > 0) {
      const example = installable.includes("#") ? `${installable}.NAME` : `${installable}#NAME`;
      throw new RunError(`'${installable}' holds ${roots.length} packages (${roots.map((root) => root.name).join(", ")}); name one: kiln run ${example}`);
    }
    const built = await buildForRunning(settings, io, session, roots);
    if (built === undefined) return 1;
    try {
      const output = built.result.outputs.get(pkg.drvPath)?.[binOutputOf(pkg)];
      const program = `${output}/bin/${mainProgramOf(pkg)}`;
      if (output === undefined || !existsSync(program)) {
        const present = output !== undefined && existsSync(`${output}/bin`) ? readdirSync(`${output}/bin`).sort() : [];
        const has = present.length > 0 ? `its bin/ has ${present.join(", ")}` : "it has no bin/";
        throw new RunError(`${pkg.name} has no program ${program} (${has}); set meta.mainProgram to the program to run`);
      }
      return await runInheritingTerminal(program, settings.rest ?? []);
    } finally {
      built.release();
    }
  },
});

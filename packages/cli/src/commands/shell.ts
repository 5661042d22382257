/**
 * `kiln shell INSTALLABLE… [--command PROGRAM ARGS…]`: a shell (or one
 * program) with the packages' programs first on PATH, installing nothing, as
 * `nix shell` does.
 */
import { existsSync } from "node:fs";
import { delimiter } from "node:path";
import { defineCommand } from "../settings/define-command.js";
import { REALISE_OPTIONS } from "../store-options.js";
import { PRINT_BUILD_LOGS } from "./build.js";
import { UsageError } from "../usage-error.js";
import { binOutputOf } from "../run/main-program.js";
import { buildForRunning, findPackages, runInheritingTerminal, RunError } from "../run/built-packages.js";

export const shellCommand = defineCommand({
  name: "shell",
  summary: "Start a shell (or run a command) with packages on PATH, without installing them",
  usage: "shell INSTALLABLE… [--realiser local|nix] [-L] [--command PROGRAM ARGS…]",
  description:
    "Builds the packages and runs $SHELL (else bash) with each package's bin/ first on PATH, in the order given. " +
    "Everything after --command (or -c, or --) is the program to run instead and its arguments.",
  options: [...REALISE_OPTIONS, PRINT_BUILD_LOGS],
  restMarkers: ["--command", "-c", "--"],
  async run(settings, io, session) {
    if (settings.positionals.length === 0) throw new UsageError("'kiln shell' needs packages, e.g. 'kiln shell @kiln/pkgs#hello ./kiln.ts#tool'");
    if (settings.rest !== undefined && settings.rest.length === 0) throw new UsageError("'kiln shell --command' needs the program to run");
    if (settings.realiser === "dry-run") throw new UsageError("'kiln shell' cannot run with the dry-run realiser; use 'kiln build --realiser dry-run'");
    const built = await buildForRunning(settings, io, session, await findPackages(settings, settings.positionals));
    if (built === undefined) return 1;
    try {
      const bins = built.roots
        .map((root) => built.result.outputs.get(root.drvPath)?.[binOutputOf(root)])
        .filter((output): output is string => output !== undefined)
        .map((output) => `${output}/bin`)
        .filter((bin) => existsSync(bin));
      const path = [...bins, ...(process.env["PATH"] ?? "").split(delimiter).filter((entry) => entry !== "")].join(delimiter);
      const env = { ...process.env, PATH: path };
      const [program, ...programArgs] = settings.rest ?? [process.env["SHELL"] || "bash"];
      if (program === undefined) throw new RunError("no program to run");
      return await runInheritingTerminal(program, programArgs, env);
    } finally {
      built.release();
    }
  },
});

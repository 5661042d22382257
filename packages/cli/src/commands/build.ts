/**
 * `kiln build FILE.ts[#attr]`: realise the derivations of a config, print
 * their output paths and make `result` links (garbage-collector roots), as
 * `nix-build` does.
 */
import { checkDeterminism, instantiateCached } from "@kiln/core";
import { EVAL_CACHE_OPTIONS, evalCacheOptions, evaluateOptions, singleInstallable } from "../config-options.js";
import { realiseRoots, reportFailures } from "../realise-roots.js";
import { PROFILE_OPTION, profiledIfAsked } from "../profile-option.js";
import { allOutputsValid, makeResultLinks, printBuilt, type BuiltOutputs } from "../root-output.js";
import { defineCommand } from "../settings/define-command.js";
import { flag, textOr } from "../settings/typed-option.js";
import { REALISE_OPTIONS, sandboxPathsSetting, sandboxSetting } from "../store-options.js";
import { UsageError } from "../usage-error.js";

/** `-L`, as the commands that build take it. */
export const PRINT_BUILD_LOGS = flag("print-build-logs", { short: "L", description: "Print build logs as they come" });

export const buildCommand = defineCommand({
  name: "build",
  summary: "Build the derivations of a config and link their outputs as ./result",
  usage: "build FILE.ts[#attr.path] [--realiser local|nix|dry-run] [-j N] [--keep-going] [--out-link NAME] [--no-link] [-L] [--json] [--check [--keep-failed]]",
  description:
    "Evaluates the config, hands its derivation graph to the realiser, prints the output paths, and makes ./result links (garbage-collector roots) as nix-build does: result, result-dev, result-2, …. " +
    "With --check (as nix-build --check), the already built outputs are built again in the sandbox and compared bit for bit; a difference fails with the first file that differs inside the output, and --keep-failed keeps the rebuild as <out>.check.",
  options: [
    ...REALISE_OPTIONS,
    textOr("out-link", { short: "o", value: "NAME", description: "Name of the result links (default: result)" }, "result"),
    flag("no-link", { description: "Make no result links" }),
    PRINT_BUILD_LOGS,
    flag("json", { description: "Print events as JSON lines on stderr and the outputs as JSON on stdout" }),
    ...EVAL_CACHE_OPTIONS,
    PROFILE_OPTION,
    flag("check", { description: "Build the already built outputs again in the sandbox and fail, naming the first differing file, unless they are bit-identical" }),
    flag("keep-failed", { short: "K", description: "With --check: keep a differing rebuild as <out>.check beside the output" }),
  ],
  async run(settings, io, session) {
    const { check, realiser } = settings;
    if (check && realiser !== "local") throw new UsageError(`--check rebuilds with the local realiser, not '${realiser}'`);
    if (settings.keepFailed && !check) throw new UsageError("--keep-failed keeps a differing rebuild of --check; pass --check too");
    // A cached evaluation answers only when every output is built already: building needs the derivations themselves.
    const store = realiser === "local" ? session.store() : undefined;
    const { roots, derivations } = await profiledIfAsked(settings, io, () =>
      instantiateCached(singleInstallable(settings, "build"), {
        ...evaluateOptions(settings, settings.positionals[0]),
        storeDir: session.storeDir,
        ...evalCacheOptions(settings, io),
        // A profile is of an evaluation.
        ...(settings.profile ? { evalCache: false } : {}),
        // --check rebuilds, so it needs the derivations a cached evaluation lacks.
        acceptCached: (cached) => !check && store !== undefined && allOutputsValid(store.database, cached),
      }),
    );
    let built: BuiltOutputs;
    if (derivations === undefined) {
      built = new Map(roots.map((root) => [root.drvPath, root.outputs]));
    } else {
      const result = await realiseRoots(
        settings,
        io,
        session,
        derivations.map(({ derivation }) => derivation),
        check ? (store, graph, targets, options) => checkDeterminism(graph, targets, { ...options, store, sandbox: sandboxSetting(settings), ...sandboxPathsSetting(settings), keepFailed: settings.keepFailed }) : undefined,
      );
      if (result.failed.length > 0) {
        reportFailures(result, io, settings.keepGoing);
        return 1;
      }
      built = result.outputs;
    }
    if (realiser === "dry-run") return 0;
    if (!settings.noLink && !check) {
      // Each link is a root of the store the realiser built into (Kiln's, or Nix's own).
      const realiserInstance = session.realiser();
      for (const [link, target] of makeResultLinks(settings.outLink, roots, built, undefined)) await realiserInstance.addRoot(link, target);
    }
    printBuilt(roots, built, settings.json, io);
    return 0;
  },
});

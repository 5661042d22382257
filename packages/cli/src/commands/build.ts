/**
 * `kiln build FILE.ts[#attr]`: realise the derivations of a config, print
 * their output paths and make `result` links (garbage-collector roots), as
 * `nix-build` does.
 */
import { checkDeterminism, instantiateCached, LocalStore, NixRealiser, type Realiser } from "@kiln/core";
import type { Command } from "../command.js";
import { EVAL_CACHE_OPTIONS, evalCacheOptions, evaluateOptions, singleInstallable } from "../config-options.js";
import { realiseRoots, reportFailures } from "../realise-roots.js";
import { PROFILE_OPTION, profiledIfAsked } from "../profile-option.js";
import { allOutputsValid, makeResultLinks, printBuilt, type BuiltOutputs } from "../root-output.js";
import { REALISE_OPTIONS, realiserName, sandboxPathsSetting, sandboxSetting, storeDirFor } from "../store-options.js";
import { UsageError } from "../usage-error.js";

export const buildCommand: Command = {
  name: "build",
  summary: "Build the derivations of a config and link their outputs as ./result",
  usage: "build FILE.ts[#attr.path] [--realiser local|nix|dry-run] [-j N] [--keep-going] [--out-link NAME] [--no-link] [-L] [--json] [--check [--keep-failed]]",
  description:
    "Evaluates the config, hands its derivation graph to the realiser, prints the output paths, and makes ./result links (garbage-collector roots) as nix-build does: result, result-dev, result-2, …. " +
    "With --check (as nix-build --check), the already built outputs are built again in the sandbox and compared bit for bit; a difference fails with the first file that differs inside the output, and --keep-failed keeps the rebuild as <out>.check.",
  options: [
    ...REALISE_OPTIONS,
    { name: "out-link", short: "o", type: "string", value: "NAME", description: "Name of the result links (default: result)" },
    { name: "no-link", type: "boolean", description: "Make no result links" },
    { name: "print-build-logs", short: "L", type: "boolean", description: "Print build logs as they come" },
    { name: "json", type: "boolean", description: "Print events as JSON lines on stderr and the outputs as JSON on stdout" },
    ...EVAL_CACHE_OPTIONS,
    PROFILE_OPTION,
    { name: "check", type: "boolean", description: "Build the already built outputs again in the sandbox and fail, naming the first differing file, unless they are bit-identical" },
    { name: "keep-failed", short: "K", type: "boolean", description: "With --check: keep a differing rebuild as <out>.check beside the output" },
  ],
  async run(args, io) {
    const realiser = realiserName(args);
    const storeDir = storeDirFor(args);
    const check = args.options["check"] === true;
    if (check && realiser !== "local") throw new UsageError(`--check rebuilds with the local realiser, not '${realiser}'`);
    if (args.options["keep-failed"] === true && !check) throw new UsageError("--keep-failed keeps a differing rebuild of --check; pass --check too");
    // A cached evaluation answers only when every output is built already: building needs the derivations themselves.
    let store = realiser === "local" ? LocalStore.open({ storeDir }) : undefined;
    let realiserInstance: Realiser | undefined;
    try {
      const { roots, derivations } = await profiledIfAsked(args, io, () =>
        instantiateCached(singleInstallable(args, "build"), {
          ...evaluateOptions(args, args.positionals[0]),
          storeDir,
          ...evalCacheOptions(args, io),
          // A profile is of an evaluation.
          ...(args.options["profile"] === true ? { evalCache: false } : {}),
          // --check rebuilds, so it needs the derivations a cached evaluation lacks.
          acceptCached: (cached) => !check && store !== undefined && allOutputsValid(store.database, cached),
        }),
      );
      let built: BuiltOutputs;
      if (derivations === undefined) {
        built = new Map(roots.map((root) => [root.drvPath, root.outputs]));
      } else {
        store?.close();
        store = undefined;
        const realised = await realiseRoots(
          args,
          io,
          derivations.map(({ derivation }) => derivation),
          check ? (store, graph, targets, options) => checkDeterminism(graph, targets, { ...options, store, sandbox: sandboxSetting(args), ...sandboxPathsSetting(args), keepFailed: args.options["keep-failed"] === true }) : undefined,
        );
        ({ store, realiser: realiserInstance } = realised);
        if (realised.result.failed.length > 0) {
          reportFailures(realised.result, io, args.options["keep-going"] === true);
          return 1;
        }
        built = realised.result.outputs;
      }
      if (realiser === "dry-run") return 0;
      if (args.options["no-link"] !== true && !check) {
        const links = makeResultLinks(typeof args.options["out-link"] === "string" ? args.options["out-link"] : "result", roots, built, store);
        // Nix's store keeps its own roots: register the links with Nix too.
        if (realiserInstance instanceof NixRealiser) for (const [link, target] of links) await realiserInstance.addRoot(link, target);
      }
      printBuilt(roots, built, args.options["json"] === true, io);
      return 0;
    } finally {
      store?.close();
    }
  },
};

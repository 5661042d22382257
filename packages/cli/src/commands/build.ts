/**
 * `kiln build FILE.ts[#attr]`: realise the derivations of a config, print
 * their output paths and make `result` links (garbage-collector roots), as
 * `nix-build` does.
 */
import { resolve } from "node:path";
import { checkDeterminism, instantiate, NixRealiser, type Derivation, type LocalStore, type RealiseResult } from "@kiln/core";
import type { Command, CommandIO, ParsedArgs } from "../command.js";
import { evaluateOptions, singleInstallable } from "../config-options.js";
import { realiseRoots, reportFailures } from "../realise-roots.js";
import { REALISE_OPTIONS, realiserName, sandboxSetting, storeDirFor } from "../store-options.js";
import { UsageError } from "../usage-error.js";

/** The `result` link names for the outputs of the i-th derivation built, as nix-build names them. */
function linkName(base: string, index: number, output: string, firstOutput: string): string {
  const numbered = index === 0 ? base : `${base}-${index + 1}`;
  return output === firstOutput ? numbered : `${numbered}-${output}`;
}

/** Makes the result links of a successful build. */
function makeResultLinks(args: ParsedArgs, roots: readonly Derivation[], result: RealiseResult, store: LocalStore | undefined): [string, string][] {
  const base = typeof args.options["out-link"] === "string" ? args.options["out-link"] : "result";
  const links: [string, string][] = [];
  roots.forEach((root, index) => {
    const outputs = result.outputs.get(root.drvPath) ?? {};
    for (const output of root.outputNames) {
      const target = outputs[output];
      if (target === undefined) continue;
      const link = resolve(linkName(base, index, output, root.outputNames[0] ?? "out"));
      store?.addRootLink(link, target);
      links.push([link, target]);
    }
  });
  return links;
}

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
    { name: "check", type: "boolean", description: "Build the already built outputs again in the sandbox and fail, naming the first differing file, unless they are bit-identical" },
    { name: "keep-failed", short: "K", type: "boolean", description: "With --check: keep a differing rebuild as <out>.check beside the output" },
  ],
  async run(args, io) {
    const realiser = realiserName(args);
    const storeDir = storeDirFor(args);
    const check = args.options["check"] === true;
    if (check && realiser !== "local") throw new UsageError(`--check rebuilds with the local realiser, not '${realiser}'`);
    if (args.options["keep-failed"] === true && !check) throw new UsageError("--keep-failed keeps a differing rebuild of --check; pass --check too");
    const found = await instantiate(singleInstallable(args, "build"), { ...evaluateOptions(args, args.positionals[0]), storeDir });
    const roots = found.map(({ derivation }) => derivation);
    const { result, realiser: realiserInstance, store } = await realiseRoots(
      args,
      io,
      roots,
      check ? (store, graph, targets, options) => checkDeterminism(graph, targets, { ...options, store, sandbox: sandboxSetting(args), keepFailed: args.options["keep-failed"] === true }) : undefined,
    );
    try {
      if (result.failed.length > 0) {
        reportFailures(result, io, args.options["keep-going"] === true);
        return 1;
      }
      if (realiser === "dry-run") return 0;
      if (args.options["no-link"] !== true && !check) {
        const links = makeResultLinks(args, roots, result, store);
        // Nix's store keeps its own roots: register the links with Nix too.
        if (realiserInstance instanceof NixRealiser) for (const [link, target] of links) await realiserInstance.addRoot(link, target);
      }
      if (args.options["json"] === true) {
        const summary = roots.map((root) => ({ drvPath: root.drvPath, outputs: result.outputs.get(root.drvPath) ?? {} }));
        io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      } else {
        for (const root of roots) for (const path of Object.values(result.outputs.get(root.drvPath) ?? {})) io.stdout.write(`${path}\n`);
      }
      return 0;
    } finally {
      store?.close();
    }
  },
};

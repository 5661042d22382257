/**
 * Realising the derivations a command found, with progress on stderr and
 * Ctrl-C handling: shared by `kiln build`, `kiln run` and `kiln shell`.
 */
import { buildDerivationGraph, InterruptedError, LocalStore, targetsOf, type Derivation, type DerivationGraph, type RealiseOptions, type Realiser, type RealiseResult, type RealiseTarget } from "@kiln/core";
import type { CommandIO, ParsedArgs } from "./command.js";
import { ProgressRenderer } from "./progress.js";
import { lateErrorSignal } from "./late-errors.js";
import { buildTimeLimits, makeRealiser, maxJobs, realiserName, storeDirFor } from "./store-options.js";

/** What {@link realiseRoots} hands back: the result, and the store and realiser it used (still open). */
export interface RealisedRoots {
  readonly result: RealiseResult;
  readonly realiser: Realiser;
  /** The local store, unless the nix realiser built; the caller closes it. */
  readonly store: LocalStore | undefined;
}

/** The result of realising roots whose outputs are all valid already. */
function alreadyBuilt(roots: readonly Derivation[]): RealiseResult {
  const outputs = new Map(roots.map((root) => [root.drvPath, Object.fromEntries(root.outputNames.map((name) => [name, root.outputs[name]?.path ?? ""]))] as const));
  return { outputs, built: [], failed: [] };
}

/** Writes the failures of a realisation to stderr, as `kiln build` reports them. */
export function reportFailures(result: RealiseResult, io: CommandIO, keepGoing: boolean): void {
  const real = result.failed.filter((failure) => !failure.message.startsWith("dependency "));
  if (keepGoing && result.failed.length > 0) {
    io.stderr.write(`error: ${result.failed.length} of the builds failed:\n`);
    for (const failure of result.failed) io.stderr.write(`  ${failure.drvPath}${failure.message.startsWith("dependency ") ? ` (${failure.message})` : ""}\n`);
  } else if (real.length === 0 && result.failed.length > 0) {
    io.stderr.write(`error: ${result.failed[0]?.message}\n`);
  }
}

/** Realises a graph in a local store in a special way (`kiln build --check`), instead of the realiser's plain realisation. */
export type RealiseInStore = (store: LocalStore, graph: DerivationGraph, targets: readonly RealiseTarget[], options: RealiseOptions) => Promise<RealiseResult>;

/**
 * Realises `roots` with the realiser the command line names. When every root
 * output is valid in the local store already, nothing is planned or built.
 * With `realiseInStore` (local realiser only), that does the realisation
 * instead, even of valid roots.
 */
export async function realiseRoots(args: ParsedArgs, io: CommandIO, roots: readonly Derivation[], realiseInStore?: RealiseInStore): Promise<RealisedRoots> {
  const realiserKind = realiserName(args);
  const storeDir = storeDirFor(args);
  const store = realiserKind === "nix" ? undefined : LocalStore.open({ storeDir });
  try {
    const realiser = makeRealiser(args, store);
    const rootOutputs = roots.flatMap((root) => root.outputNames.map((name) => root.outputs[name]?.path ?? ""));
    const allValid = realiseInStore === undefined && realiserKind === "local" && store !== undefined && store.database.validSubset(rootOutputs).size === new Set(rootOutputs).size;
    if (allValid) return { result: alreadyBuilt(roots), realiser, store };
    const renderer = new ProgressRenderer(io, {
      json: args.options["json"] === true,
      printBuildLogs: args.options["print-build-logs"] === true,
      listPlan: realiserKind === "dry-run",
    });
    // Ctrl-C stops running builders too (they run in their own process groups) and registers nothing.
    const interrupt = new AbortController();
    const onSignal = (): void => interrupt.abort(new InterruptedError());
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      const jobs = maxJobs(args);
      const limits = buildTimeLimits(args);
      const realiseOptions: RealiseOptions = {
        ...(jobs !== undefined ? { jobs } : {}),
        keepGoing: args.options["keep-going"] === true,
        ...limits,
        onEvent: renderer.onEvent,
        // A late exception from the config's code stops the realisation as Ctrl-C does.
        signal: lateErrorSignal() === undefined ? interrupt.signal : AbortSignal.any([interrupt.signal, lateErrorSignal() as AbortSignal]),
      };
      const graph = buildDerivationGraph(roots);
      const result =
        realiseInStore !== undefined && store !== undefined
          ? await realiseInStore(store, graph, targetsOf(roots), realiseOptions)
          : await realiser.realise(graph, targetsOf(roots), realiseOptions);
      return { result, realiser, store };
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      renderer.finish();
    }
  } catch (error) {
    store?.close();
    throw error;
  }
}

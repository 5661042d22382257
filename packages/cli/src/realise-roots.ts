/**
 * Realising the derivations a command found, with progress on stderr and
 * Ctrl-C handling: shared by `kiln build`, `kiln run` and `kiln shell`.
 */
import { buildDerivationGraph, InterruptedError, targetsOf, type Derivation, type DerivationGraph, type LocalStore, type RealiseOptions, type RealiseResult, type RealiseTarget } from "@kiln/core";
import type { CommandIO } from "./command.js";
import { ProgressRenderer } from "./progress.js";
import { lateErrorSignal } from "./late-errors.js";
import type { CommandSession } from "./settings/command-session.js";
import type { RealiseSettings } from "./store-options.js";

/** What {@link realiseRoots} reads of a command's settings; `--json` and `-L` where the command has them. */
export type RealiseRootsSettings = Pick<RealiseSettings, "realiser" | "maxJobs" | "keepGoing" | "timeout" | "maxSilentTime"> & {
  readonly json?: boolean;
  readonly printBuildLogs?: boolean;
};

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
 * Realises `roots` with the session's realiser. When every root output is
 * valid in the local store already, nothing is planned or built. With
 * `realiseInStore` (local realiser only), that does the realisation
 * instead, even of valid roots.
 */
export async function realiseRoots(settings: RealiseRootsSettings, io: CommandIO, session: CommandSession, roots: readonly Derivation[], realiseInStore?: RealiseInStore): Promise<RealiseResult> {
  const store = session.localStore();
  const realiser = session.realiser();
  const rootOutputs = roots.flatMap((root) => root.outputNames.map((name) => root.outputs[name]?.path ?? ""));
  const allValid = realiseInStore === undefined && settings.realiser === "local" && store !== undefined && store.database.validSubset(rootOutputs).size === new Set(rootOutputs).size;
  if (allValid) return alreadyBuilt(roots);
  const renderer = new ProgressRenderer(io, {
    json: settings.json === true,
    printBuildLogs: settings.printBuildLogs === true,
    listPlan: settings.realiser === "dry-run",
  });
  // Ctrl-C stops running builders too (they run in their own process groups) and registers nothing.
  const interrupt = new AbortController();
  const onSignal = (): void => interrupt.abort(new InterruptedError());
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const realiseOptions: RealiseOptions = {
      ...(settings.maxJobs !== undefined ? { jobs: settings.maxJobs } : {}),
      keepGoing: settings.keepGoing,
      ...(settings.timeout !== undefined ? { timeout: settings.timeout } : {}),
      ...(settings.maxSilentTime !== undefined ? { maxSilentTime: settings.maxSilentTime } : {}),
      onEvent: renderer.onEvent,
      // A late exception from the config's code stops the realisation as Ctrl-C does.
      signal: lateErrorSignal() === undefined ? interrupt.signal : AbortSignal.any([interrupt.signal, lateErrorSignal() as AbortSignal]),
    };
    const graph = buildDerivationGraph(roots);
    return realiseInStore !== undefined && store !== undefined
      ? await realiseInStore(store, graph, targetsOf(roots), realiseOptions)
      : await realiser.realise(graph, targetsOf(roots), realiseOptions);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    renderer.finish();
  }
}

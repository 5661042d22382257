/**
 * Checking that builds are deterministic, as `nix-build --check`: each
 * target whose outputs are valid is built again, in the sandbox, and its
 * outputs are compared bit for bit with the valid ones, which stay as they
 * are. Only the targets are rebuilt (their inputs are used as they are, and
 * built first if they are missing), as Nix checks only the derivations it is
 * asked to. A target that is not built yet cannot be checked: Nix refuses
 * too ("some outputs … are not valid, so checking is not possible").
 */
import { type DerivationGraph, type RealiseTarget, KilnError } from "@kiln/formats";
import { LocalStore } from "../local-store/local-store.js";
import { LocalRealiser, type LocalRealiserOptions } from "./local-realiser.js";
import type { RealiseOptions, RealiseResult } from "./realiser.js";
import type { NonDeterminism } from "./rebuild-check.js";

/** Options of {@link checkDeterminism}: the local realiser's (its `check` set is the targets) and a realisation's. */
export interface CheckDeterminismOptions extends Omit<LocalRealiserOptions, "check" | "repair">, Pick<RealiseOptions, "jobs" | "keepGoing" | "onEvent" | "signal" | "timeout" | "maxSilentTime"> {}

/** One target whose rebuild differed. */
export interface DeterminismFailure {
  readonly drvPath: string;
  readonly difference: NonDeterminism;
  /** The error's message, as `kiln build --check` prints it. */
  readonly message: string;
}

/**
 * What {@link checkDeterminism} found: the realisation's result (`failed`
 * holds every failure, the differing rebuilds included), and the targets
 * sorted by outcome.
 */
export interface DeterminismReport extends RealiseResult {
  /** Targets rebuilt bit-identical. */
  readonly identical: readonly string[];
  /** Targets whose rebuild differed, with the first differing file. */
  readonly differing: readonly DeterminismFailure[];
}

/** `checkDeterminism` on targets whose outputs are not all valid yet. */
export class NotBuiltForCheckError extends KilnError {
  override name = "NotBuiltForCheckError";

  constructor(
    /** The `.drv` paths of the targets that are not built. */
    readonly drvPaths: readonly string[],
  ) {
    super(`some outputs of '${drvPaths[0]}'${drvPaths.length > 1 ? ` (and ${drvPaths.length - 1} more)` : ""} are not valid, so checking is not possible; build first, then check`);
  }
}

/**
 * Rebuilds `targets` of `graph` in the sandbox and compares their outputs
 * with the valid ones, bit for bit. Throws {@link NotBuiltForCheckError}
 * (checking nothing) if a target's outputs are not all valid.
 */
export async function checkDeterminism(graph: DerivationGraph, targets: readonly RealiseTarget[], options: CheckDeterminismOptions = {}): Promise<DeterminismReport> {
  const store = options.store ?? LocalStore.open({ storeDir: options.storeDir ?? graph.storeDir, stateDir: options.stateDir });
  try {
    const drvPaths = [...new Set(targets.map((target) => target.drvPath))];
    const notBuilt = drvPaths.filter((drvPath) => {
      const outputs = [...(graph.derivations.get(drvPath)?.outputs.values() ?? [])].map((output) => output.path);
      return store.database.validSubset(outputs).size !== outputs.length;
    });
    if (notBuilt.length > 0) throw new NotBuiltForCheckError(notBuilt);
    const { jobs, keepGoing, onEvent, signal, timeout, maxSilentTime, ...realiserOptions } = options;
    const realiser = new LocalRealiser({ ...realiserOptions, store, check: new Set(drvPaths), keepFailed: options.keepFailed === true });
    const result = await realiser.realise(graph, targets, {
      ...(jobs !== undefined ? { jobs } : {}),
      ...(keepGoing !== undefined ? { keepGoing } : {}),
      ...(onEvent !== undefined ? { onEvent } : {}),
      ...(signal !== undefined ? { signal } : {}),
      ...(timeout !== undefined ? { timeout } : {}),
      ...(maxSilentTime !== undefined ? { maxSilentTime } : {}),
    });
    const built = new Set(result.built);
    const differing: DeterminismFailure[] = [];
    for (const failure of result.failed) {
      if (failure.nonDeterministic !== undefined) differing.push({ drvPath: failure.drvPath, difference: failure.nonDeterministic, message: failure.message });
    }
    return { ...result, identical: drvPaths.filter((drvPath) => built.has(drvPath)), differing };
  } finally {
    if (options.store === undefined) store.close();
  }
}

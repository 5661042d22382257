/**
 * The dry-run realiser: says what would be built, what fetched (fixed-output
 * derivations) and what is already valid, with counts, and builds nothing.
 */
import type { DerivationGraph, RealiseTarget } from "@kiln/formats";
import { LocalStore, type OpenStoreOptions } from "../local-store/local-store.js";
import { LocalRealiser } from "./local-realiser.js";
import type { Realiser, RealiseOptions, RealiseResult } from "./realiser.js";

/** Plans against a local store without building. */
export class DryRunRealiser implements Realiser {
  readonly name = "dry-run";

  constructor(private readonly options: OpenStoreOptions & { readonly store?: LocalStore } = {}) {}

  realise(graph: DerivationGraph, targets: readonly RealiseTarget[], options: RealiseOptions = {}): Promise<RealiseResult> {
    return new LocalRealiser(this.options).realise(graph, targets, { ...options, dryRun: true });
  }
}

/**
 * Embedding Kiln in a program: evaluate a config and build it with a custom
 * realiser, using only `@kiln/core`'s exported functions.
 */
import { LocalRealiser, buildDerivationGraph, instantiate, targetsOf, type RealiseResult } from "@kiln/core";
import { TimingRealiser } from "./logging-realiser.js";

/** Builds every derivation of `installable` into the store at `storeDir`, timing each build. */
export async function buildWithTimes(installable: string, storeDir: string): Promise<{ result: RealiseResult; times: Map<string, number> }> {
  const found = await instantiate(installable, { storeDir });
  const roots = found.map(({ derivation }) => derivation);
  const realiser = new TimingRealiser(new LocalRealiser({ storeDir, sandbox: false }));
  const result = await realiser.realise(buildDerivationGraph(roots), targetsOf(roots), { jobs: 2 });
  return { result, times: realiser.times };
}

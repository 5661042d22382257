/**
 * What a realisation must build: the targets whose outputs are not all
 * valid, and, only for those, the inputs whose outputs are not valid, and so
 * on. The inputs of a valid output are never needed (as in Nix): a package
 * that is already built does not need its source tarball again, even after
 * `kiln gc` collected it, so building something new on top of it works
 * offline. A fixed-output derivation whose output path is valid (however it
 * got there, e.g. `kiln prefetch`, or a twin with another URL and the same
 * hash) is satisfied too.
 */
import { type DerivationGraph, type RealiseTarget, topologicalOrder } from "@kiln/formats";

/** A realisation's plan. */
export interface BuildPlan {
  /** Every `.drv` the realisation reaches, inputs first: those to build and the valid ones they (or the targets) need. */
  readonly order: readonly string[];
  /** The `.drv` paths to build, inputs first. */
  readonly toBuild: readonly string[];
  /** Output paths of reached derivations that are already valid. */
  readonly valid: ReadonlySet<string>;
}

/** The output paths of `drvPath` in `graph`. */
export function outputPathsOf(graph: DerivationGraph, drvPath: string): string[] {
  return [...(graph.derivations.get(drvPath)?.outputs.values() ?? [])].map((output) => output.path);
}

/**
 * Plans the realisation of `targets`; `validSubset` tells which of some
 * paths are valid. Derivations in `rebuild` are built even if their outputs
 * are valid (a repair).
 */
export function planBuilds(graph: DerivationGraph, targets: readonly RealiseTarget[], validSubset: (paths: readonly string[]) => Set<string>, rebuild: ReadonlySet<string> = new Set()): BuildPlan {
  const all = topologicalOrder(graph, targets);
  const valid = validSubset(all.flatMap((drvPath) => outputPathsOf(graph, drvPath)));
  const reached = new Set(targets.map((target) => target.drvPath));
  const building = new Set<string>();
  // Dependents come after their inputs in `all`: walking it backwards decides each derivation before its inputs.
  for (let index = all.length - 1; index >= 0; index--) {
    const drvPath = all[index] as string;
    if (!reached.has(drvPath) || (!rebuild.has(drvPath) && outputPathsOf(graph, drvPath).every((path) => valid.has(path)))) continue;
    building.add(drvPath);
    for (const input of graph.derivations.get(drvPath)?.inputDrvs.keys() ?? []) reached.add(input);
  }
  const order = all.filter((drvPath) => reached.has(drvPath));
  const reachedValid = new Set(order.flatMap((drvPath) => outputPathsOf(graph, drvPath)).filter((path) => valid.has(path)));
  return { order, toBuild: order.filter((drvPath) => building.has(drvPath)), valid: reachedValid };
}

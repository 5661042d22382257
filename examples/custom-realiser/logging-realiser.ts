/**
 * A realiser written outside Kiln: it wraps another realiser and records how
 * long each build took. It needs nothing but the `Realiser` interface.
 */
import type { DerivationGraph, Realiser, RealiseOptions, RealiseResult, RealiseTarget } from "@kiln/core";

/** Build times by derivation name, in milliseconds. */
export type BuildTimes = Map<string, number>;

export class TimingRealiser implements Realiser {
  readonly name = "timing";
  readonly times: BuildTimes = new Map();

  constructor(private readonly inner: Realiser) {}

  async realise(graph: DerivationGraph, targets: readonly RealiseTarget[], options: RealiseOptions = {}): Promise<RealiseResult> {
    const started = new Map<string, number>();
    return this.inner.realise(graph, targets, {
      ...options,
      onEvent: (event) => {
        if (event.type === "build-started") started.set(event.drvPath, performance.now());
        if (event.type === "build-finished") this.times.set(event.name, performance.now() - (started.get(event.drvPath) ?? performance.now()));
        options.onEvent?.(event);
      },
    });
  }

  /** The roots are the inner realiser's store's. */
  addRoot(link: string, target: string): Promise<void> {
    return this.inner.addRoot(link, target);
  }
}

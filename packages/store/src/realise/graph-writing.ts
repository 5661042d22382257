/**
 * Writing a graph's `.drv` files while its first builds already run. Nix
 * has every `.drv` written (by evaluation) before `nix-store --realise`
 * starts; what it guarantees, and what is kept here, is that a build starts
 * only once its own `.drv` (and so, by its references, every `.drv` it
 * needs) is valid in the store. Writing the files is most of what a fresh
 * `kiln build` of a large graph does before its first build (a file
 * creation each); done in small batches between the events of the builds,
 * it overlaps with the builders' own run time instead of preceding it.
 *
 * Each batch is one transaction (`LocalStore.addGraphInBatches`), so a kill
 * at any point leaves whole batches valid and at most unregistered files.
 * A build also reads the recorded outputs of its inputs that are not built
 * in this run (`recordValidInputOutputs`); those records are made as soon
 * as their `.drv` is valid, before any build that needs them is let go.
 */
import { setImmediate } from "node:timers/promises";
import type { DerivationGraph } from "@kiln/formats";
import type { LocalStore } from "../local-store/local-store.js";

/** How many text files a batch writes: small, so that builds waiting on the main thread wait for little. */
const BATCH = 16;

/** A derivation output to record once its `.drv` is valid. */
interface OutputRecord {
  readonly drvPath: string;
  readonly output: string;
  readonly path: string;
}

/** The writing of one graph's `.drv` files, a batch at a time. */
export class GraphWriting {
  private readonly batches: Generator<readonly string[], void, void>;
  /** The derivations to build whose `.drv` is not valid yet. */
  private readonly unwritten: Set<string>;
  /** Output records still waiting for their `.drv`. */
  private pendingRecords: OutputRecord[];
  private readonly valid = new Set<string>();
  private readonly listeners: (() => void)[] = [];
  private waiters: (() => void)[] = [];
  private stopped = false;
  private finishedWriting = false;
  private failure: { readonly error: unknown } | undefined;
  private background: Promise<void> | undefined;

  constructor(
    private readonly store: LocalStore,
    graph: DerivationGraph,
    toBuild: readonly string[],
  ) {
    this.batches = store.addGraphInBatches(graph, BATCH);
    const alreadyValid = store.database.validSubset(toBuild);
    this.unwritten = new Set(toBuild.filter((drvPath) => !alreadyValid.has(drvPath)));
    const records = validInputOutputRecords(graph, toBuild);
    const recordedValid = store.database.validSubset(records.map(({ drvPath }) => drvPath));
    for (const path of recordedValid) this.valid.add(path);
    this.pendingRecords = records;
  }

  /**
   * Writes the first batch now (a failure throws here, before any build) and
   * the rest in the background, a batch per turn of the event loop.
   */
  start(): void {
    this.step();
    if (!this.finishedWriting) this.background = this.writeRest();
  }

  /** Whether the `.drv` of `drvPath` is valid, so that its build may start. */
  isWritten(drvPath: string): boolean {
    return this.finishedWriting || !this.unwritten.has(drvPath);
  }

  /** Whether writing is over: every `.drv` valid, or stopped by a failure. */
  get done(): boolean {
    return this.finishedWriting || this.failure !== undefined;
  }

  /** The error that stopped the writing, if one did. */
  get error(): { readonly error: unknown } | undefined {
    return this.failure;
  }

  /** Calls `listener` after each batch (and once writing is over). */
  onBatch(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Resolves after the next batch, or at once if writing is over. */
  nextBatch(): Promise<void> {
    if (this.done) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops writing after the batch under way (the builds are over); resolves once nothing more is written. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.background;
  }

  private step(): void {
    const next = this.batches.next();
    if (next.done === true) {
      this.finishedWriting = true;
      this.unwritten.clear();
    } else {
      for (const path of next.value) {
        this.unwritten.delete(path);
        this.valid.add(path);
      }
    }
    this.recordOutputs();
  }

  /** Records the outputs whose `.drv` is valid now. */
  private recordOutputs(): void {
    const ready = this.finishedWriting ? this.pendingRecords : this.pendingRecords.filter(({ drvPath }) => this.valid.has(drvPath));
    if (ready.length === 0) return;
    this.pendingRecords = this.finishedWriting ? [] : this.pendingRecords.filter(({ drvPath }) => !this.valid.has(drvPath));
    this.store.database.registerPaths([], ready);
  }

  private async writeRest(): Promise<void> {
    while (!this.finishedWriting && !this.stopped) {
      await setImmediate();
      if (this.stopped) break;
      try {
        this.step();
      } catch (error) {
        this.failure = { error };
      }
      this.notify();
      if (this.failure !== undefined) return;
    }
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const listener of this.listeners) listener();
    for (const waiter of waiters) waiter();
  }
}

/**
 * The outputs of the inputs a build reads without building them (valid
 * already), to record for their `.drv`: a build finds its inputs' paths in
 * the store's records (as Nix's `DerivationOutputs` table), which a `.drv`
 * written by another store or an older run may lack.
 */
export function validInputOutputRecords(graph: DerivationGraph, toBuild: readonly string[]): OutputRecord[] {
  const building = new Set(toBuild);
  const records: OutputRecord[] = [];
  const seen = new Set<string>();
  for (const drvPath of toBuild) {
    for (const input of graph.derivations.get(drvPath)?.inputDrvs.keys() ?? []) {
      if (building.has(input) || seen.has(input)) continue;
      seen.add(input);
      for (const [output, { path }] of graph.derivations.get(input)?.outputs ?? []) records.push({ drvPath: input, output, path });
    }
  }
  return records;
}

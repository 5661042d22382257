/**
 * The realiser interface: what turns a derivation graph into store paths.
 *
 * Kiln compiles configs to a {@link DerivationGraph}; a realiser builds it.
 * Kiln ships three (local, nix, dry-run), and anyone can write another by
 * implementing {@link Realiser}: nothing else in Kiln needs to change.
 * A realiser also keeps what it built: {@link Realiser.addRoot} makes a
 * link a garbage-collector root of its store (Nix's `--add-root`), so
 * `kiln build`'s result links and `kiln switch`'s generations survive a
 * collection of whichever store the outputs are in.
 * Realisers report what happens as {@link RealiseEvent}s, which the CLI
 * renders and an embedding program can consume.
 */
import type { DerivationGraph, RealiseTarget } from "@kiln/formats";
import type { NonDeterminism } from "./rebuild-check.js";

/** Options every realiser understands (some may ignore a few). */
export interface RealiseOptions {
  /** How many builders may run at once (a build that is registering its outputs holds no slot). Defaults to the number of cores. */
  readonly jobs?: number;
  /** Go on with independent builds after one fails. */
  readonly keepGoing?: boolean;
  /** Report what would be done, and do nothing. */
  readonly dryRun?: boolean;
  /** Receives every event as it happens. */
  readonly onEvent?: (event: RealiseEvent) => void;
  /** Stops the realisation: running builds are killed, nothing is registered. */
  readonly signal?: AbortSignal;
  /**
   * Seconds a build may run before it is killed and fails with "building of
   * '…' timed out after N seconds" (Nix's `--timeout`). Unlimited by default.
   */
  readonly timeout?: number;
  /**
   * Seconds a build may go without writing to its log before it is killed and
   * fails with "building of '…' timed out after N seconds of silence" (Nix's
   * `--max-silent-time`). Unlimited by default.
   */
  readonly maxSilentTime?: number;
}

/** What a realisation will do, reported before it starts. */
export interface RealisePlan {
  /** `.drv` paths that will be built. */
  readonly toBuild: readonly string[];
  /** Fixed-output `.drv` paths among them (downloads, typically). */
  readonly toFetch: readonly string[];
  /** Output paths that are already valid. */
  readonly valid: readonly string[];
}

/** Everything a realiser reports. */
export type RealiseEvent =
  | { readonly type: "plan"; readonly plan: RealisePlan }
  | { readonly type: "build-started"; readonly drvPath: string; readonly name: string; readonly logPath?: string }
  | { readonly type: "build-waiting"; readonly drvPath: string; readonly name: string; readonly reason: string }
  | { readonly type: "log-line"; readonly drvPath: string; readonly name: string; readonly line: string }
  | { readonly type: "build-finished"; readonly drvPath: string; readonly name: string; readonly outputs: Readonly<Record<string, string>> }
  | { readonly type: "build-failed"; readonly drvPath: string; readonly name: string; readonly message: string; readonly logPath?: string }
  /** A download's progress: `bytes` received so far from `url` for `drvPath`, of `total` if the server said. */
  | { readonly type: "bytes-fetched"; readonly drvPath: string; readonly url?: string; readonly bytes: number; readonly total?: number }
  | { readonly type: "progress"; readonly done: number; readonly total: number; readonly running: readonly string[]; readonly failed: number }
  | { readonly type: "message"; readonly level: "info" | "warning"; readonly text: string };

/** One failed build in a {@link RealiseResult}. */
export interface BuildFailure {
  readonly drvPath: string;
  readonly name: string;
  readonly message: string;
  readonly logPath?: string;
  /** For a fixed-output derivation whose output had another hash: both, in SRI form. */
  readonly hashMismatch?: { readonly specified: string; readonly got: string };
  /** For a determinism check (the local realiser's `check` option) whose rebuild differed: the first differing output and file. */
  readonly nonDeterministic?: NonDeterminism;
}

/** What a realisation did. */
export interface RealiseResult {
  /** For each target `.drv` (and each built derivation), its output paths by output name. */
  readonly outputs: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** `.drv` paths built now. */
  readonly built: readonly string[];
  /** Builds that failed (with `keepGoing`, there may be several), and those skipped because an input failed. */
  readonly failed: readonly BuildFailure[];
}

/** Something that can build a derivation graph. */
export interface Realiser {
  /** A short name, e.g. `local`. */
  readonly name: string;
  /** Builds `targets` (and what they need) from `graph`. */
  realise(graph: DerivationGraph, targets: readonly RealiseTarget[], options?: RealiseOptions): Promise<RealiseResult>;
  /**
   * Makes `link` a symlink to `target` (a store path this realiser built or
   * found valid) and registers it as a garbage-collector root of the
   * realiser's store, as `nix-store --realise TARGET --add-root LINK` does:
   * the store keeps `target` and its closure while the link points at it.
   * Registering a link again, or pointing it at a new target, replaces it.
   * A realiser whose store has no roots of its own may make only the link.
   */
  addRoot(link: string, target: string): Promise<void>;
}

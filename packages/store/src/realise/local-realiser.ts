/**
 * The local realiser, Kiln's default: builds a derivation graph on this
 * machine into a local store, in dependency order, several builds at once,
 * skipping outputs that are already valid.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { isFixedOutput, type DerivationGraph, type RealiseTarget, parseStorePath } from "@kiln/formats";
import { isBuiltinBuilder } from "../fetch/builtin-fetchers.js";
import { outputPathsOf as planOutputPaths, planBuilds } from "./build-plan.js";
import { LocalStore, type OpenStoreOptions } from "../local-store/local-store.js";
import { fetchSettingsFromEnvironment, type FetchSettings } from "../fetch/fetch-settings.js";
import { BuildFailedError, HashMismatchError } from "./build-errors.js";
import { NonDeterministicBuildError } from "./rebuild-check.js";
import { buildDerivation, type InputInPlace, type SandboxSettings } from "./local-build.js";
import type { BuildFailure, Realiser, RealiseEvent, RealiseOptions, RealiseResult } from "./realiser.js";
import { HOST_TOOL_SANDBOX_PATHS, findBubblewrap, findSlirp4netns, sandboxPathsFromEnv } from "./sandbox.js";
import { sandboxShellMounts } from "./sandbox-shell.js";
import { currentLockOwner } from "../local-store/path-locks.js";
import { cleanUpAfterDeadProcesses } from "../local-store/dead-process-cleanup.js";
import { buildRootsRemoved } from "../local-store/build-directories.js";
import { buildLogsWritten } from "./build-log.js";
import { BuilderSpawner, PIPE_GRACE_MS, SPAWNER_MIN_BUILDS } from "./builder-spawner.js";

/** Options of {@link LocalRealiser}. */
export interface LocalRealiserOptions extends OpenStoreOptions {
  /** A store to use (else one is opened at `storeDir`/`stateDir` or the defaults). */
  readonly store?: LocalStore;
  /** `true` requires bubblewrap, `false` never sandboxes, `"auto"` (the default) sandboxes where bubblewrap is installed. */
  readonly sandbox?: boolean | "auto";
  /**
   * Host paths visible read-only in the sandbox besides its `/bin/sh`, as
   * Nix's `extra-sandbox-paths`: `PATH` or `TARGET=SOURCE` (default:
   * `KILN_SANDBOX_PATHS`, else none). Builds then depend on what the host
   * has there: impure, an escape hatch for builds that must use host tools
   * (`HOST_TOOL_SANDBOX_PATHS` gives the host's `/usr`, `/bin`, `/lib`…).
   *
   * Without them a plain `derivation()` build sees only the host's `/bin/sh`
   * (with exactly the libraries it loads) and its input closure, as a Nix
   * build sees only `sandbox-paths`' `/bin/sh`: shell builtins, no
   * `mkdir`, no `/usr`. Kiln uses the host's shell rather than a pinned
   * static busybox so that nothing is fetched before a first build, and
   * builds get no more than Nix's minimal shell gives them (see
   * `sandbox-shell.ts`).
   */
  readonly sandboxPaths?: readonly string[];
  /**
   * Host paths a derivation may ask to see itself, in its
   * `kilnImpureHostPaths` attribute (as Nix's `allowed-impure-host-deps`
   * bounds `__impureHostDeps`); default {@link HOST_TOOL_SANDBOX_PATHS},
   * which Kiln's impure host stdenv (`stdenvHost`) asks for. A derivation
   * asking for anything else fails to build.
   */
  readonly allowedImpureHostPaths?: readonly string[];
  /**
   * Hears what only `-v` tells about how builds are run: that the native
   * builder spawner could not be compiled, so that a slower Node process
   * starts the builders (said once per process).
   */
  readonly onNote?: (text: string) => void;
  /** `NIX_BUILD_CORES` for each build (default: the number of cores). */
  readonly cores?: number;
  /** How fetchers download: timeouts, retries, mirrors (default: from the environment, see {@link fetchSettingsFromEnvironment}). */
  readonly fetchSettings?: FetchSettings;
  /** `.drv` paths to build again although their outputs are valid, replacing them: they are missing or damaged (`kiln store verify --repair`). */
  readonly repair?: ReadonlySet<string>;
  /**
   * `.drv` paths whose valid outputs are built again in the sandbox and
   * compared bit for bit, registering nothing (`kiln build --check`, Nix's
   * `--check`); a difference fails the build with a
   * {@link NonDeterministicBuildError}. See {@link checkDeterminism}.
   */
  readonly check?: ReadonlySet<string>;
  /** With `check`: keep a differing rebuild as `<out>.check` beside the output (Nix's `--keep-failed`). */
  readonly keepFailed?: boolean;
}

/** What Kiln says, once per realiser, when it builds without a sandbox because bubblewrap is missing. */
const UNSANDBOXED_WARNING =
  "bubblewrap (bwrap) is not installed, so builds run without a sandbox: a builder can read and change anything your user can, and reach the network. " +
  "Install it (Debian/Ubuntu: apt-get install bubblewrap), or pass --sandbox to refuse to build without it.";

/** What Kiln says, once per realiser, when a fixed-output build must share the host's network namespace. */
const SHARED_NETWORK_WARNING =
  "fixed-output builds share the host's network namespace, where they can reach each other's and the host's abstract Unix sockets. " +
  "Install slirp4netns (Debian/Ubuntu: apt-get install slirp4netns) to give each a network of its own.";

/** The derivation's name, from its `.drv` path. */
function nameOf(drvPath: string, storeDir: string): string {
  return parseStorePath(drvPath, storeDir).name.replace(/\.drv$/, "");
}

/**
 * Records the outputs of the valid derivations that the builds use, as
 * finished builds record theirs: an output made another way (a prefetched
 * file, a fixed-output twin with another URL) then serves every derivation
 * that produces it.
 */
function recordValidInputOutputs(store: LocalStore, graph: DerivationGraph, toBuild: readonly string[]): void {
  const building = new Set(toBuild);
  const records: { drvPath: string; output: string; path: string }[] = [];
  const seen = new Set<string>();
  for (const drvPath of toBuild) {
    for (const input of graph.derivations.get(drvPath)?.inputDrvs.keys() ?? []) {
      if (building.has(input) || seen.has(input)) continue;
      seen.add(input);
      for (const [output, { path }] of graph.derivations.get(input)?.outputs ?? []) records.push({ drvPath: input, output, path });
    }
  }
  if (records.length > 0) store.database.registerPaths([], records);
}

/** Builds on this machine into a local store. */
export class LocalRealiser implements Realiser {
  readonly name = "local";
  private warnedUnsandboxed = false;
  private warnedSharedNetwork = false;

  constructor(private readonly options: LocalRealiserOptions = {}) {}

  /** The sandbox to use, or `undefined` to build unsandboxed. */
  private sandbox(emit: (event: RealiseEvent) => void): SandboxSettings | undefined {
    const wanted = this.options.sandbox ?? "auto";
    if (wanted === false) return undefined;
    const bubblewrap = findBubblewrap();
    if (bubblewrap === undefined) {
      if (wanted === true) throw new BuildFailedError("sandboxing was requested, but bubblewrap (bwrap) is not installed; install it (Debian: apt-get install bubblewrap) or pass --no-sandbox", "");
      if (!this.warnedUnsandboxed) {
        this.warnedUnsandboxed = true;
        emit({ type: "message", level: "warning", text: UNSANDBOXED_WARNING });
      }
      return undefined;
    }
    // slirp4netns needs a tun device.
    const slirp4netns = existsSync("/dev/net/tun") ? findSlirp4netns() : undefined;
    return { bubblewrap, paths: this.options.sandboxPaths ?? sandboxPathsFromEnv(), shell: sandboxShellMounts(), allowedImpureHostPaths: this.options.allowedImpureHostPaths ?? HOST_TOOL_SANDBOX_PATHS, slirp4netns };
  }

  async realise(graph: DerivationGraph, targets: readonly RealiseTarget[], options: RealiseOptions = {}): Promise<RealiseResult> {
    const store = this.options.store ?? LocalStore.open({ storeDir: this.options.storeDir ?? graph.storeDir, stateDir: this.options.stateDir });
    try {
      return await this.realiseInto(store, graph, targets, options);
    } finally {
      if (this.options.store === undefined) store.close();
    }
  }

  /** Makes `link` a symlink to `target` registered as a root of the local store (`LocalStore.addRootLink`). */
  async addRoot(link: string, target: string): Promise<void> {
    const store = this.options.store ?? LocalStore.open({ storeDir: this.options.storeDir, stateDir: this.options.stateDir });
    try {
      store.addRootLink(link, target);
    } finally {
      if (this.options.store === undefined) store.close();
    }
  }

  private async realiseInto(store: LocalStore, graph: DerivationGraph, targets: readonly RealiseTarget[], options: RealiseOptions): Promise<RealiseResult> {
    const emit = options.onEvent ?? ((): void => {});
    const rebuild = this.options.check === undefined ? this.options.repair : new Set([...(this.options.repair ?? []), ...this.options.check]);
    const { order, toBuild, valid } = planBuilds(graph, targets, (paths) => store.database.validSubset(paths), rebuild);
    const outputPathsOf = (drvPath: string): string[] => planOutputPaths(graph, drvPath);
    emit({
      type: "plan",
      plan: { toBuild, toFetch: toBuild.filter((drvPath) => { const drv = graph.derivations.get(drvPath); return drv !== undefined && isFixedOutput(drv); }), valid: [...valid].sort() },
    });
    const outputs = new Map<string, Readonly<Record<string, string>>>();
    const recordOutputs = (drvPath: string): void => {
      const drv = graph.derivations.get(drvPath);
      if (drv !== undefined) outputs.set(drvPath, Object.fromEntries([...drv.outputs].map(([name, output]) => [name, output.path])));
    };
    if (options.dryRun === true || toBuild.length === 0) {
      for (const drvPath of order) recordOutputs(drvPath);
      return { outputs, built: [], failed: [] };
    }
    // Temporary roots keep a concurrent garbage collection away from what this realisation uses.
    cleanUpAfterDeadProcesses(store);
    const owner = `${currentLockOwner()}:${randomBytes(4).toString("hex")}`;
    store.database.addTempRoots([...graph.derivations.keys(), ...graph.sources.keys(), ...order.flatMap(outputPathsOf)], owner);
    // Started now, its start-up overlaps the writing of the .drv files. Its start-up (Node's, tens of
    // milliseconds) is repaid only by enough builds: fewer are started from this process.
    const builders = toBuild.filter((drvPath) => { const drv = graph.derivations.get(drvPath); return drv !== undefined && !isBuiltinBuilder(drv); }).length;
    const onNote = this.options.onNote;
    const spawner = builders >= SPAWNER_MIN_BUILDS ? new BuilderSpawner(PIPE_GRACE_MS, onNote !== undefined ? { onNote } : {}) : undefined;
    spawner?.start();
    try {
      store.addGraph(graph);
      recordValidInputOutputs(store, graph, toBuild);
      return await this.build(store, graph, order, toBuild, outputs, recordOutputs, options, spawner);
    } finally {
      // Builds leave their directories' removal running in the background; none is left behind when this returns.
      await Promise.all([buildRootsRemoved(), buildLogsWritten(), spawner?.close()]);
      try {
        store.database.removeTempRoots(owner);
      } catch {
        // A database that refuses (a full disk) keeps them until a later run sees this process has ended.
      }
    }
  }

  private async build(
    store: LocalStore,
    graph: DerivationGraph,
    order: readonly string[],
    toBuild: readonly string[],
    outputs: Map<string, Readonly<Record<string, string>>>,
    recordOutputs: (drvPath: string) => void,
    options: RealiseOptions,
    spawner: BuilderSpawner | undefined,
  ): Promise<RealiseResult> {
    const emit = options.onEvent ?? ((): void => {});
    const building = new Set(toBuild);
    for (const drvPath of order) if (!building.has(drvPath)) recordOutputs(drvPath);
    const built: string[] = [];
    const failed: BuildFailure[] = [];

    const sandbox = this.sandbox(emit);
    const jobs = Math.max(1, options.jobs ?? availableParallelism());
    const cores = this.options.cores ?? availableParallelism();
    const fetchSettings = this.options.fetchSettings ?? fetchSettingsFromEnvironment();
    const running = new Map<string, Promise<void>>();
    // Builds whose builders are done and whose outputs are in place, still registering: they hold no job slot,
    // and their dependents may start (unsandboxed ones at once; see `outputsInPlace` in local-build.ts).
    const inPlace = new Map<string, InputInPlace>();
    const released = new Set<string>();
    let finishedCount = 0;
    const abort = new AbortController();
    const signal = options.signal === undefined ? abort.signal : AbortSignal.any([options.signal, abort.signal]);
    let stopping = false;
    const progress = (): void =>
      emit({ type: "progress", done: finishedCount, total: toBuild.length, running: [...running.keys()].map((drvPath) => nameOf(drvPath, store.storeDir)), failed: failed.length });

    // Each build waits for the inputs still to be built; a finished build releases its dependents.
    // Kept as counts and a ready queue, so scheduling stays linear in the size of the graph.
    const waitingOn = new Map<string, number>();
    const dependents = new Map<string, string[]>();
    for (const drvPath of toBuild) {
      let count = 0;
      for (const input of graph.derivations.get(drvPath)?.inputDrvs.keys() ?? []) {
        if (!building.has(input)) continue;
        count++;
        const list = dependents.get(input);
        if (list === undefined) dependents.set(input, [drvPath]);
        else list.push(drvPath);
      }
      waitingOn.set(drvPath, count);
    }
    const ready: string[] = toBuild.filter((drvPath) => waitingOn.get(drvPath) === 0).reverse();

    // Builds whose output locks this process took ahead (see `lockAhead`); given back if they never start.
    const lockedAhead = new Set<string>();
    const giveBack = (drvPath: string): void => {
      if (lockedAhead.delete(drvPath)) store.locks.release(planOutputPaths(graph, drvPath));
    };
    /**
     * While `drvPath`'s builder runs, takes the output locks of the builds that wait on it alone, so that
     * they start without a database write of their own when it ends (a chain of short builds waits on
     * that write once per link otherwise). A lock taken so early cannot close a circle of waits: it
     * waits only on a build this process is running, which ends either way.
     */
    const lockAhead = (drvPath: string): void => {
      if (stopping) return;
      for (const dependent of dependents.get(drvPath) ?? []) {
        if (waitingOn.get(dependent) !== 1 || lockedAhead.has(dependent)) continue;
        try {
          if (store.locks.tryAcquire(planOutputPaths(graph, dependent))) lockedAhead.add(dependent);
        } catch {
          // Taken when it starts, as any other build's.
        }
      }
    };

    /** Marks everything that needs `failedInput` as failed too. */
    const failDependents = (failedInput: string): void => {
      const stack = [...(dependents.get(failedInput) ?? [])];
      while (stack.length > 0) {
        const drvPath = stack.pop() as string;
        if (!waitingOn.has(drvPath)) continue;
        waitingOn.delete(drvPath);
        giveBack(drvPath);
        finishedCount++;
        const name = nameOf(drvPath, store.storeDir);
        const message = `dependency '${failedInput}' failed`;
        failed.push({ drvPath, name, message });
        emit({ type: "build-failed", drvPath, name, message });
        stack.push(...(dependents.get(drvPath) ?? []));
      }
    };

    /** Lets the builds waiting on `drvPath` go, once. */
    const release = (drvPath: string): void => {
      if (released.has(drvPath)) return;
      released.add(drvPath);
      for (const dependent of dependents.get(drvPath) ?? []) {
        const left = (waitingOn.get(dependent) ?? 0) - 1;
        if (!waitingOn.has(dependent)) continue;
        waitingOn.set(dependent, left);
        if (left === 0) ready.push(dependent);
      }
    };
    const fill = (): void => {
      while (!stopping && running.size - inPlace.size < jobs && ready.length > 0) start(ready.pop() as string);
    };

    const start = (drvPath: string): void => {
      waitingOn.delete(drvPath);
      const name = nameOf(drvPath, store.storeDir);
      const drv = graph.derivations.get(drvPath);
      if (drv === undefined) return;
      if (sandbox !== undefined && sandbox.slirp4netns === undefined && !this.warnedSharedNetwork && isFixedOutput(drv) && !isBuiltinBuilder(drv)) {
        this.warnedSharedNetwork = true;
        emit({ type: "message", level: "warning", text: SHARED_NETWORK_WARNING });
      }
      let registered: Promise<void> | undefined;
      const outputsInPlace = (): void => {
        if (registered === undefined || stopping) return;
        const entry = { outputs: new Map([...drv.outputs].map(([output, { path }]) => [output, path])), registered };
        inPlace.set(drvPath, entry);
        release(drvPath);
        fill();
      };
      const locksHeld = lockedAhead.delete(drvPath);
      const builderRequested = (): void => void setImmediate(() => lockAhead(drvPath));
      const attempt = buildDerivation({ store, drvPath, drv, name, sandbox, cores, emit, signal, fetchSettings, repair: this.options.repair?.has(drvPath) === true, check: this.options.check?.has(drvPath) === true ? { keep: this.options.keepFailed === true } : undefined, timeout: options.timeout, maxSilentTime: options.maxSilentTime, spawner, inputsInPlace: inPlace, outputsInPlace, locksHeld, builderRequested });
      // What the dependents started early wait on; a failure is theirs to report (or nobody's), never unhandled.
      registered = attempt.then(() => undefined);
      registered.catch(() => {});
      const task = attempt
        .then((made) => {
          built.push(drvPath);
          outputs.set(drvPath, made);
          emit({ type: "build-finished", drvPath, name, outputs: made });
          release(drvPath);
        })
        .catch((error: unknown) => {
          // A build killed because another failed, or because the caller stopped everything, is not a failure of its own.
          if (signal.aborted && (stopping || options.signal?.aborted === true)) return;
          const message = error instanceof Error ? error.message : String(error);
          const logPath = error instanceof BuildFailedError ? error.logPath : undefined;
          const mismatch = error instanceof HashMismatchError ? { hashMismatch: { specified: error.specified, got: error.got } } : {};
          const differs = error instanceof NonDeterministicBuildError ? { nonDeterministic: error.difference } : {};
          failed.push({ drvPath, name, message, ...(logPath !== undefined ? { logPath } : {}), ...mismatch, ...differs });
          emit({ type: "build-failed", drvPath, name, message, ...(logPath !== undefined ? { logPath } : {}) });
          if (options.keepGoing === true) {
            failDependents(drvPath);
          } else {
            stopping = true;
            abort.abort();
          }
        })
        .finally(() => {
          inPlace.delete(drvPath);
          running.delete(drvPath);
          finishedCount++;
          progress();
        });
      running.set(drvPath, task);
      progress();
    };

    try {
      while ((ready.length > 0 && !stopping) || running.size > 0) {
        options.signal?.throwIfAborted();
        fill();
        if (running.size > 0) await Promise.race(running.values());
      }
    } finally {
      for (const drvPath of [...lockedAhead]) giveBack(drvPath);
    }
    if (!stopping && waitingOn.size > 0 && failed.length === 0) {
      throw new BuildFailedError("internal error: builds are waiting on each other", [...waitingOn.keys()][0] ?? "");
    }
    options.signal?.throwIfAborted();
    return { outputs, built, failed };
  }
}

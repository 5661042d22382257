/**
 * The nix realiser: hands Kiln's derivation graph to a real Nix.
 *
 * The `.drv` files and sources are imported into Nix's store byte for byte
 * (so they land at the paths Kiln computed), then `nix-store --realise`
 * builds them with Nix's own settings: `--max-jobs`, remote `--builders`,
 * substituters, its sandbox. The outputs Nix reports must be the paths Kiln
 * predicted; anything else is an error.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { printAterm, drvReferences, isFixedOutput, type DerivationGraph, type RealiseTarget, topologicalOrder, writeNarOfPath, writeNarOfText, type HashAlgorithm, parseStorePath, type FileIngestionMethod } from "@kiln/formats";
import { isBuiltinBuilder } from "../fetch/builtin-fetchers.js";
import { fetchFixedOutput, type FetchedOutput } from "../fetch/fetch-fixed-output.js";
import { fetchSettingsFromEnvironment, type FetchSettings } from "../fetch/fetch-settings.js";
import { BuildFailedError, HashMismatchError } from "./build-errors.js";
import { buildRootOf } from "./build-root.js";
import { writeNixExport, type ExportEntry } from "./nix-export.js";
import type { BuildFailure, Realiser, RealiseOptions, RealiseResult } from "./realiser.js";

/**
 * The derivations of `toBuild` that Nix cannot build, each with why: one that
 * needs Kiln's build root (the hermetic stdenv's `/usr`, which Nix's sandbox
 * does not make), or a built-in builder of Kiln's own that is no fixed-output
 * fetch (Kiln fetches those for Nix; the others run only inside Kiln).
 * Saying so before Nix starts beats a build failing for want of `/usr/bin/gcc`.
 */
function refusedByNix(graph: DerivationGraph, toBuild: readonly string[]): BuildFailure[] {
  const refused: BuildFailure[] = [];
  for (const drvPath of toBuild) {
    const drv = graph.derivations.get(drvPath);
    if (drv === undefined) continue;
    const name = parseStorePath(drvPath, graph.storeDir).name.replace(/\.drv$/, "");
    const root = buildRootOf(drv);
    if (root !== undefined) {
      refused.push({
        drvPath,
        name,
        message: `the nix realiser cannot build '${drvPath}': it builds with its own /usr, /lib and /bin (the build root '${root}', from Kiln's hermetic stdenv), which Nix's sandbox does not provide. Build it with the local realiser, or make the package with stdenvHost, whose builds Nix can run`,
      });
    } else if (drv.builder.startsWith("builtin:kiln-") && !isFixedOutput(drv)) {
      refused.push({ drvPath, name, message: `the nix realiser cannot build '${drvPath}': its builder '${drv.builder}' runs only inside Kiln (Nix has no such built-in). Build it with the local realiser` });
    }
  }
  return refused;
}

/** Options of {@link NixRealiser}. */
export interface NixRealiserOptions {
  /** Extra arguments for every Nix command, e.g. `["--option", "builders", "ssh://big-box"]` or `["--store", "/tmp/chroot"]`. */
  readonly extraArgs?: readonly string[];
  /** The environment of Nix's processes (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** The directory holding `nix-store` (default: found on `PATH`). */
  readonly binDir?: string;
  /** How Kiln downloads fixed-output sources for Nix (default: from the environment). */
  readonly fetchSettings?: FetchSettings;
}

interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Builds through the Nix installation on this machine (and its remote builders). */
export class NixRealiser implements Realiser {
  readonly name = "nix";

  constructor(private readonly options: NixRealiserOptions = {}) {}

  private command(): string {
    return this.options.binDir === undefined ? "nix-store" : join(this.options.binDir, "nix-store");
  }

  /** Runs `nix-store ARGS`; `onStderrLine` sees its stderr as it comes. */
  private run(args: readonly string[], options: { stdinFile?: string; onStderrLine?: (line: string) => void; signal?: AbortSignal } = {}): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
      const stdin = options.stdinFile === undefined ? "ignore" : openSync(options.stdinFile, "r");
      const child = spawn(this.command(), [...args, ...(this.options.extraArgs ?? [])], {
        env: this.options.env ?? process.env,
        stdio: [stdin, "pipe", "pipe"],
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
      });
      let stdout = "";
      let stderr = "";
      let partial = "";
      child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        const lines = (partial + chunk.toString()).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) options.onStderrLine?.(line);
      });
      if (typeof stdin === "number") closeSync(stdin);
      child.on("error", (error) => reject(new BuildFailedError(`cannot run Nix ('${this.command()}'): ${error.message}; is Nix installed?`, "")));
      child.on("close", (code) => {
        if (partial !== "") options.onStderrLine?.(partial);
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** The subset of `paths` that are not valid in Nix's store. */
  private async invalidPaths(paths: readonly string[]): Promise<Set<string>> {
    const invalid = new Set<string>();
    for (let start = 0; start < paths.length; start += 1000) {
      const chunk = paths.slice(start, start + 1000);
      const result = await this.run(["--check-validity", "--print-invalid", ...chunk]);
      if (result.code !== 0) throw new BuildFailedError(`nix-store --check-validity failed: ${result.stderr.trim()}`, "");
      for (const line of result.stdout.split("\n")) if (line !== "") invalid.add(line);
    }
    return invalid;
  }

  /** Imports the graph's missing `.drv` files and sources into Nix's store, each after its references. */
  private async importGraph(graph: DerivationGraph, missing: ReadonlySet<string>): Promise<void> {
    if (missing.size === 0) return;
    const entries: ExportEntry[] = [];
    const done = new Set<string>();
    const visit = (path: string): void => {
      if (done.has(path) || !missing.has(path)) return;
      done.add(path);
      const drv = graph.derivations.get(path);
      const source = graph.sources.get(path);
      const references = drv !== undefined ? drvReferences(drv) : (source?.references ?? []);
      for (const reference of references) visit(reference);
      if (drv !== undefined) {
        const text = printAterm(drv);
        entries.push({ path, references, writeNar: (write) => writeNarOfText(text, write) });
      } else if (source !== undefined) {
        const origin = source.origin;
        entries.push({ path, references, writeNar: (write) => (origin.kind === "text" ? writeNarOfText(origin.text, write) : writeNarOfPath(origin.path, write)) });
      }
    };
    for (const path of [...graph.sources.keys(), ...graph.derivations.keys()]) visit(path);
    const directory = mkdtempSync(join(tmpdir(), "kiln-nix-import-"));
    try {
      const file = join(directory, "export");
      writeNixExport(file, entries);
      const result = await this.run(["--import"], { stdinFile: file });
      if (result.code !== 0) throw new BuildFailedError(`nix-store --import failed: ${result.stderr.trim()}`, "");
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }

  /**
   * Adds a file or tree to Nix's store by content (`nix-store --add-fixed`).
   * Nix names it after the file, so `source` must already be called `name`.
   */
  async addFixed(source: string, name: string, method: FileIngestionMethod, algorithm: HashAlgorithm): Promise<{ path: string }> {
    if (basename(source) !== name) throw new BuildFailedError(`cannot add '${source}' to Nix's store as '${name}': nix-store --add-fixed names a path after its file`, "");
    const added = await this.run(["--add-fixed", ...(method === "recursive" ? ["--recursive"] : []), algorithm, source]);
    if (added.code !== 0) throw new BuildFailedError(`nix-store --add-fixed failed for '${source}': ${added.stderr.trim()}`, "");
    return { path: added.stdout.trim() };
  }

  /**
   * Fetches the sources of Kiln's built-in fetchers among `toBuild` and adds
   * each to Nix's store by content (`nix-store --add-fixed`), which lands on
   * exactly the predicted path, so Nix never runs a fetcher of its own.
   */
  private async fetchSources(graph: DerivationGraph, toBuild: readonly string[], options: RealiseOptions): Promise<{ added: Set<string>; failures: BuildFailure[] }> {
    const emit = options.onEvent ?? ((): void => {});
    const settings = this.options.fetchSettings ?? fetchSettingsFromEnvironment(this.options.env ?? process.env);
    const failures: BuildFailure[] = [];
    const addedSources = new Set<string>();
    for (const drvPath of toBuild) {
      const drv = graph.derivations.get(drvPath);
      if (drv === undefined || !isFixedOutput(drv) || !isBuiltinBuilder(drv)) continue;
      const name = parseStorePath(drvPath, graph.storeDir).name.replace(/\.drv$/, "");
      const predicted = drv.outputs.get("out")?.path ?? "";
      emit({ type: "build-started", drvPath, name });
      let fetched: FetchedOutput | undefined;
      try {
        fetched = await fetchFixedOutput(drv, {
          settings,
          log: (line) => emit({ type: "log-line", drvPath, name, line }),
          onBytes: (url, bytes, total) => emit({ type: "bytes-fetched", drvPath, url, bytes, ...(total !== undefined ? { total } : {}) }),
          ...(options.signal !== undefined ? { signal: options.signal } : {}),
        });
        if (!fetched.hash.equals(fetched.declared)) throw new HashMismatchError(drvPath, fetched.declared.toSri(), fetched.hash.toSri());
        const added = await this.addFixed(fetched.path, name, fetched.method, fetched.hash.algorithm);
        if (added.path !== predicted) throw new BuildFailedError(`Nix added the source of '${drvPath}' at '${added.path}', not at the predicted '${predicted}'`, drvPath);
        addedSources.add(drvPath);
        emit({ type: "build-finished", drvPath, name, outputs: { out: predicted } });
      } catch (error) {
        options.signal?.throwIfAborted();
        const message = error instanceof Error ? error.message : String(error);
        const mismatch = error instanceof HashMismatchError ? { hashMismatch: { specified: error.specified, got: error.got } } : {};
        failures.push({ drvPath, name, message, ...mismatch });
        emit({ type: "build-failed", drvPath, name, message });
        if (options.keepGoing !== true) break;
      } finally {
        fetched?.dispose();
      }
    }
    return { added: addedSources, failures };
  }

  async realise(graph: DerivationGraph, targets: readonly RealiseTarget[], options: RealiseOptions = {}): Promise<RealiseResult> {
    const emit = options.onEvent ?? ((): void => {});
    const order = topologicalOrder(graph, targets);
    const outputsOf = (drvPath: string): Record<string, string> =>
      Object.fromEntries([...(graph.derivations.get(drvPath)?.outputs ?? [])].map(([name, output]) => [name, output.path]));
    const allOutputs = order.flatMap((drvPath) => Object.values(outputsOf(drvPath)));
    const invalidOutputs = await this.invalidPaths(allOutputs);
    const toBuild = order.filter((drvPath) => Object.values(outputsOf(drvPath)).some((path) => invalidOutputs.has(path)));
    emit({
      type: "plan",
      plan: {
        toBuild,
        toFetch: toBuild.filter((drvPath) => {
          const drv = graph.derivations.get(drvPath);
          return drv !== undefined && isFixedOutput(drv);
        }),
        valid: allOutputs.filter((path) => !invalidOutputs.has(path)).sort(),
      },
    });
    const outputs = new Map(order.map((drvPath) => [drvPath, outputsOf(drvPath)] as const));
    if (options.dryRun === true || toBuild.length === 0) return { outputs, built: [], failed: [] };

    const refused = refusedByNix(graph, toBuild);
    if (refused.length > 0) {
      for (const failure of refused) emit({ type: "build-failed", drvPath: failure.drvPath, name: failure.name, message: failure.message });
      return { outputs, built: [], failed: refused };
    }
    const sources = await this.fetchSources(graph, toBuild, options);
    if (sources.failures.length > 0) return { outputs, built: [...sources.added], failed: sources.failures };
    await this.importGraph(graph, await this.invalidPaths([...graph.sources.keys(), ...graph.derivations.keys()]));
    const nameOf = (drvPath: string): string => parseStorePath(drvPath, graph.storeDir).name.replace(/\.drv$/, "");
    let current = "";
    const started: string[] = [];
    const args = ["--realise", ...targets.map((target) => target.drvPath)];
    if (options.jobs !== undefined) args.push("--max-jobs", String(options.jobs));
    if (options.keepGoing === true) args.push("--keep-going");
    if (options.timeout !== undefined) args.push("--timeout", String(options.timeout));
    if (options.maxSilentTime !== undefined) args.push("--max-silent-time", String(options.maxSilentTime));
    const result = await this.run(args, {
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
      onStderrLine: (line) => {
        if (line.startsWith("warning: you did not specify '--add-root'")) return;
        const building = /^building '([^']+\.drv)'/.exec(line);
        if (building !== null) {
          current = building[1] as string;
          started.push(current);
          emit({ type: "build-started", drvPath: current, name: nameOf(current) });
          emit({ type: "progress", done: started.length - 1, total: toBuild.length, running: [nameOf(current)], failed: 0 });
        } else if (current !== "") {
          emit({ type: "log-line", drvPath: current, name: nameOf(current), line });
        } else if (line.trim() !== "") {
          emit({ type: "message", level: "info", text: `nix: ${line}` });
        }
      },
    });
    if (result.code !== 0) {
      const failed: BuildFailure[] = [];
      for (const match of result.stderr.matchAll(/builder for '([^']+\.drv)' failed[^\n]*/g)) {
        const drvPath = match[1] as string;
        failed.push({ drvPath, name: nameOf(drvPath), message: match[0] });
        emit({ type: "build-failed", drvPath, name: nameOf(drvPath), message: match[0] });
      }
      if (failed.length === 0) {
        const drvPath = targets[0]?.drvPath ?? "";
        failed.push({ drvPath, name: nameOf(drvPath), message: `nix-store --realise failed:\n${result.stderr.trim()}` });
      }
      return { outputs, built: [], failed };
    }
    const reported = new Set(result.stdout.split("\n").filter((line) => line !== ""));
    for (const target of targets) {
      for (const name of target.outputs) {
        const predicted = outputsOf(target.drvPath)[name] as string;
        if (!reported.has(predicted)) {
          throw new BuildFailedError(`Nix built '${target.drvPath}' but did not report the output path Kiln predicted for '${name}' (${predicted}); it reported: ${[...reported].join(", ")}`, target.drvPath);
        }
      }
    }
    // Fetched sources were reported as they finished.
    for (const drvPath of toBuild) if (!sources.added.has(drvPath)) emit({ type: "build-finished", drvPath, name: nameOf(drvPath), outputs: outputsOf(drvPath) });
    emit({ type: "progress", done: toBuild.length, total: toBuild.length, running: [], failed: 0 });
    return { outputs, built: toBuild, failed: [] };
  }

  /** Makes `link` a symlink to `path` registered as an indirect garbage-collector root of Nix's store. */
  async addRoot(link: string, path: string): Promise<void> {
    const result = await this.run(["--realise", path, "--add-root", link]);
    if (result.code !== 0) throw new BuildFailedError(`cannot add Nix root '${link}': ${result.stderr.trim()}`, "");
  }
}

/**
 * Which store and realiser a command works with, from its options.
 */
import { DryRunRealiser, LocalRealiser, LocalStore, NixRealiser, defaultStoreDir, parseSandboxPaths, type OpenStoreOptions, type Realiser } from "@kiln/core";
import type { OptionSpec, ParsedArgs } from "./command.js";
import { UsageError } from "./usage-error.js";

/** Nix's store directory: where the nix realiser's paths live. */
export const NIX_STORE_DIR = "/nix/store";

/** The realisers `--realiser` accepts. */
export const REALISER_NAMES = ["local", "nix", "dry-run"] as const;

/** Options of commands that realise. */
export const REALISE_OPTIONS: readonly OptionSpec[] = [
  { name: "realiser", type: "string", value: "NAME", description: "Who builds: local (default), nix (your Nix and its remote builders) or dry-run" },
  { name: "max-jobs", short: "j", type: "string", value: "N", description: "Builds to run at once (default: the number of cores)" },
  { name: "keep-going", short: "k", type: "boolean", description: "Go on with independent builds after a failure" },
  { name: "sandbox", type: "boolean", description: "Require the bubblewrap sandbox: fail rather than build unsandboxed when bwrap is missing" },
  { name: "no-sandbox", type: "boolean", description: "Build without a sandbox (builders see the whole machine)" },
  {
    name: "sandbox-paths",
    type: "string",
    value: "PATHS",
    description:
      "Host paths the sandbox shows besides /bin/sh, colon-separated, PATH or TARGET=SOURCE, 'host' for the host's /usr, /bin, /lib… (as Nix's extra-sandbox-paths; impure; default $KILN_SANDBOX_PATHS, else none)",
  },
  { name: "timeout", type: "string", value: "SECONDS", description: "Kill and fail a build that runs longer than this (as Nix's --timeout)" },
  { name: "max-silent-time", type: "string", value: "SECONDS", description: "Kill and fail a build that writes no log output for this long (as Nix's --max-silent-time)" },
  { name: "nix-option", type: "string", value: "NAME=VALUE", multiple: true, description: "With --realiser nix: pass '--option NAME VALUE' to Nix (e.g. builders=ssh://big-box)" },
];

/** `--nix-option NAME=VALUE` as Nix's `--option NAME VALUE` arguments. */
export function nixOptions(args: ParsedArgs): string[] {
  const given = args.options["nix-option"];
  const list = Array.isArray(given) ? given : typeof given === "string" ? [given] : [];
  return list.flatMap((option) => {
    const equals = option.indexOf("=");
    if (equals <= 0) throw new UsageError(`--nix-option needs NAME=VALUE, not '${option}'`);
    return ["--option", option.slice(0, equals), option.slice(equals + 1)];
  });
}

/** The realiser named by `--realiser`. */
export function realiserName(args: ParsedArgs): (typeof REALISER_NAMES)[number] {
  const name = args.options["realiser"] ?? "local";
  if (typeof name !== "string" || !(REALISER_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`unknown realiser '${String(name)}' (expected one of ${REALISER_NAMES.join(", ")})`);
  }
  return name as (typeof REALISER_NAMES)[number];
}

/** The store directory a command works with: `--store-dir`, else Nix's for the nix realiser, else the local store's. */
export function storeDirFor(args: ParsedArgs): string {
  const given = args.options["store-dir"];
  if (typeof given === "string") return given;
  const realiser = args.options["realiser"];
  return realiser === "nix" ? NIX_STORE_DIR : defaultStoreDir();
}

/** `-j N` as a number. */
export function maxJobs(args: ParsedArgs): number | undefined {
  const text = args.options["max-jobs"];
  if (text === undefined) return undefined;
  const jobs = Number(text);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--max-jobs needs a positive whole number, not '${String(text)}'`);
  return jobs;
}

/** `--timeout` and `--max-silent-time` as realise options (whole seconds). */
export function buildTimeLimits(args: ParsedArgs): { timeout?: number; maxSilentTime?: number } {
  const limits: { timeout?: number; maxSilentTime?: number } = {};
  for (const [option, key] of [["timeout", "timeout"], ["max-silent-time", "maxSilentTime"]] as const) {
    const text = args.options[option];
    if (text === undefined) continue;
    const seconds = Number(text);
    if (typeof text !== "string" || !/^\d+$/.test(text) || seconds < 1) throw new UsageError(`--${option} needs a positive whole number of seconds, not '${String(text)}'`);
    limits[key] = seconds;
  }
  return limits;
}

/** The sandbox setting from `--sandbox` / `--no-sandbox`. */
export function sandboxSetting(args: ParsedArgs): boolean | "auto" {
  if (args.options["sandbox"] === true && args.options["no-sandbox"] === true) throw new UsageError("--sandbox and --no-sandbox contradict each other");
  if (args.options["sandbox"] === true) return true;
  if (args.options["no-sandbox"] === true) return false;
  return "auto";
}

/** `--sandbox-paths PATHS` as the local realiser's `sandboxPaths` (nothing when not given, so that `KILN_SANDBOX_PATHS` applies). */
export function sandboxPathsSetting(args: ParsedArgs): { sandboxPaths?: readonly string[] } {
  const given = args.options["sandbox-paths"];
  return typeof given === "string" ? { sandboxPaths: parseSandboxPaths(given) } : {};
}

/** Opens the local store at the command's store directory. */
export function openLocalStore(args: ParsedArgs, options: Omit<OpenStoreOptions, "storeDir"> = {}): LocalStore {
  return LocalStore.open({ ...options, storeDir: storeDirFor(args) });
}

/** Makes the realiser a command asked for. */
export function makeRealiser(args: ParsedArgs, store: LocalStore | undefined): Realiser {
  const name = realiserName(args);
  if (name === "nix") return new NixRealiser({ extraArgs: nixOptions(args) });
  if (name === "dry-run") return new DryRunRealiser(store === undefined ? { storeDir: storeDirFor(args) } : { store });
  return new LocalRealiser({ ...(store === undefined ? { storeDir: storeDirFor(args) } : { store }), sandbox: sandboxSetting(args), ...sandboxPathsSetting(args) });
}

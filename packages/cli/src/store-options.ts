/**
 * Which store and realiser a command works with: the options of commands
 * that realise (declared once, with their types), and the realiser they
 * describe.
 */
import { DryRunRealiser, LocalRealiser, NixRealiser, defaultStoreDir, parseSandboxPaths, type LocalStore, type Realiser } from "@kiln/core";
import { choice, converted, flag, list, optionGroup, positiveWholeNumber, type SettingsOf } from "./settings/typed-option.js";
import { UsageError } from "./usage-error.js";

/** Nix's store directory: where the nix realiser's paths live. */
export const NIX_STORE_DIR = "/nix/store";

/** The realisers `--realiser` accepts. */
export const REALISER_NAMES = ["local", "nix", "dry-run"] as const;

/** A realiser `--realiser` names. */
export type RealiserName = (typeof REALISER_NAMES)[number];

/** `--realiser NAME`. */
export const REALISER_OPTION = choice(
  "realiser",
  { value: "NAME", description: "Who builds: local (default), nix (your Nix and its remote builders) or dry-run" },
  REALISER_NAMES,
  "local",
  (given) => `unknown realiser '${given}' (expected one of ${REALISER_NAMES.join(", ")})`,
);

/** Whole seconds of at least 1 given to `--NAME`, or a usage error naming it. */
function seconds(name: string): (text: string) => number {
  return (text) => {
    if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--${name} needs a positive whole number of seconds, not '${text}'`);
    return Number(text);
  };
}

/** `NAME=VALUE` of `--nix-option` as the pair Nix's `--option NAME VALUE` takes. */
function nixOptionPair(option: string): readonly [string, string] {
  const equals = option.indexOf("=");
  if (equals <= 0) throw new UsageError(`--nix-option needs NAME=VALUE, not '${option}'`);
  return [option.slice(0, equals), option.slice(equals + 1)];
}

/** `--nix-option NAME=VALUE`, repeatable. */
export const NIX_OPTION = list("nix-option", { value: "NAME=VALUE", description: "With --realiser nix: pass '--option NAME VALUE' to Nix (e.g. builders=ssh://big-box)" }, nixOptionPair);

const MAX_JOBS = converted("max-jobs", { short: "j", value: "N", description: "Builds to run at once (default: the number of cores)" }, positiveWholeNumber("max-jobs", "a positive whole number"));
const KEEP_GOING = flag("keep-going", { short: "k", description: "Go on with independent builds after a failure" });

/** How builders run: the sandbox, its paths, and the limits on a build's time (as Nix's settings of the same names). */
const BUILDER_OPTIONS = optionGroup(
  flag("sandbox", { description: "Require the bubblewrap sandbox: fail rather than build unsandboxed when bwrap is missing" }),
  flag("no-sandbox", { description: "Build without a sandbox (builders see the whole machine)" }),
  converted(
    "sandbox-paths",
    {
      value: "PATHS",
      description:
        "Host paths the sandbox shows besides /bin/sh, colon-separated, PATH or TARGET=SOURCE, 'host' for the host's /usr, /bin, /lib… (as Nix's extra-sandbox-paths; impure; default $KILN_SANDBOX_PATHS, else none)",
    },
    parseSandboxPaths,
  ),
  converted("timeout", { value: "SECONDS", description: "Kill and fail a build that runs longer than this (as Nix's --timeout)" }, seconds("timeout")),
  converted("max-silent-time", { value: "SECONDS", description: "Kill and fail a build that writes no log output for this long (as Nix's --max-silent-time)" }, seconds("max-silent-time")),
);

/** Options of commands that realise. */
export const REALISE_OPTIONS = optionGroup(REALISER_OPTION, MAX_JOBS, KEEP_GOING, ...BUILDER_OPTIONS, NIX_OPTION);

/** {@link REALISE_OPTIONS} but `--keep-going`, for a command that always goes on (`kiln fix-hashes`). */
export const REALISE_OPTIONS_GOING_ON = optionGroup(REALISER_OPTION, MAX_JOBS, ...BUILDER_OPTIONS, NIX_OPTION);

/** The settings of {@link REALISE_OPTIONS}. */
export type RealiseSettings = SettingsOf<typeof REALISE_OPTIONS>;

/** What says which store a command works with: `--store-dir`, and `--realiser` where the command has it. */
export interface StoreSettings {
  readonly storeDir: string | undefined;
  readonly realiser?: RealiserName;
}

/** What says how the realiser builds; a command without an option has its default. */
export type RealiserSettings = StoreSettings & Partial<Omit<RealiseSettings, "realiser">> & { readonly verbose?: boolean };

/** The store directory a command works with: `--store-dir`, else Nix's for the nix realiser, else the local store's. */
export function storeDirFor(settings: StoreSettings): string {
  if (settings.storeDir !== undefined) return settings.storeDir;
  return settings.realiser === "nix" ? NIX_STORE_DIR : defaultStoreDir();
}

/** The sandbox setting from `--sandbox` / `--no-sandbox`. */
export function sandboxSetting(settings: Pick<RealiserSettings, "sandbox" | "noSandbox">): boolean | "auto" {
  if (settings.sandbox === true && settings.noSandbox === true) throw new UsageError("--sandbox and --no-sandbox contradict each other");
  if (settings.sandbox === true) return true;
  if (settings.noSandbox === true) return false;
  return "auto";
}

/** `--sandbox-paths PATHS` as the local realiser's `sandboxPaths` (nothing when not given, so that `KILN_SANDBOX_PATHS` applies). */
export function sandboxPathsSetting(settings: Pick<RealiserSettings, "sandboxPaths">): { sandboxPaths?: readonly string[] } {
  return settings.sandboxPaths === undefined ? {} : { sandboxPaths: settings.sandboxPaths };
}

/** `--nix-option NAME=VALUE`s as Nix's `--option NAME VALUE` arguments. */
export function nixOptions(settings: Pick<RealiserSettings, "nixOption">): string[] {
  return (settings.nixOption ?? []).flatMap(([name, value]) => ["--option", name, value]);
}

/** Makes the realiser the settings ask for, over `store` (the local store, unless the nix realiser builds). */
export function makeRealiser(settings: RealiserSettings, store: LocalStore | undefined): Realiser {
  const name = settings.realiser ?? "local";
  if (name === "nix") return new NixRealiser({ extraArgs: nixOptions(settings) });
  const where = store === undefined ? { storeDir: storeDirFor(settings) } : { store };
  if (name === "dry-run") return new DryRunRealiser(where);
  // -v also says how builders are started when that is slower than it should be.
  const onNote = settings.verbose === true ? { onNote: (text: string): void => void process.stderr.write(`${text}\n`) } : {};
  return new LocalRealiser({ ...where, sandbox: sandboxSetting(settings), ...sandboxPathsSetting(settings), ...onNote });
}

/**
 * Evaluating an installable (`./kiln.ts#packages.hello`): load the config,
 * select the attribute, find the derivations. Every CLI command that reads a
 * config goes through here, and so can any program that embeds Kiln.
 */
import { setStoreDir } from "../store/current-store-dir.js";
import { collectDerivations, type FoundDerivation } from "../graph/collect-derivations.js";
import { parseAttrPath, selectAttrPath } from "./attr-path.js";
import { evaluateInConfig, loadConfig, parseInstallable, resolveConfigFile, type LoadConfigOptions } from "./load-config.js";

/** Options of {@link evaluateInstallable}. */
export interface EvaluateOptions extends LoadConfigOptions {
  /** The store directory to compute paths for; see `setStoreDir`. */
  readonly storeDir?: string;
  /**
   * How messages name the config instead of its file: `@kiln/pkgs` for the
   * package set a CLI ships, whose file is none of the user's business.
   */
  readonly displayName?: string;
}

/** An evaluated installable. */
export interface EvaluatedInstallable {
  /** The config file. */
  readonly file: string;
  /** The attribute path after `#`, if one was given. */
  readonly attrPath: string | undefined;
  /** The selected value. */
  readonly value: unknown;
}

/** Loads the config named by `installable` (`FILE.ts[#attr.path]`) and selects the attribute. */
export async function evaluateInstallable(installable: string, options: EvaluateOptions = {}): Promise<EvaluatedInstallable> {
  if (options.storeDir !== undefined) setStoreDir(options.storeDir);
  const { file: given, attrPath } = parseInstallable(installable);
  const file = resolveConfigFile(given);
  const { value: root } = await loadConfig(file, options);
  const value = attrPath === undefined ? root : evaluateInConfig(() => selectAttrPath(root, attrPath, options.displayName ?? file));
  return { file, attrPath, value };
}

/** Every derivation in an evaluated installable, named by attribute path. */
export function findDerivations(evaluated: EvaluatedInstallable): FoundDerivation[] {
  const prefix = evaluated.attrPath === undefined ? [] : parseAttrPath(evaluated.attrPath);
  return evaluateInConfig(() => collectDerivations(evaluated.value, prefix));
}

/** Evaluates `installable` and returns its derivations: what `kiln instantiate` prints. */
export async function instantiate(installable: string, options: EvaluateOptions = {}): Promise<FoundDerivation[]> {
  return findDerivations(await evaluateInstallable(installable, options));
}

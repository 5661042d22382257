/**
 * Which machine or home of a project file a command acts on:
 * `kiln switch [FILE] --machine NAME` reads `machines.NAME` of FILE's
 * default export (`./kiln.ts` by default). Without `--machine`, a project
 * with one machine means that one, and otherwise the machine named like
 * this host, as `nixos-rebuild` picks the configuration by host name.
 */
import { hostname } from "node:os";
import { evaluateInstallable, isDerivation, KilnError, type Derivation } from "@kiln/core";
import { evaluateOptions, type EvaluationSettings } from "../config-options.js";
import { storeDirFor } from "../store-options.js";

/** The project file has no such machine or home, or none at all. */
export class ConfigurationNotFoundError extends KilnError {
  override name = "ConfigurationNotFoundError";
}

/** A machine or home of a project. */
export interface SelectedConfiguration {
  readonly kind: "machine" | "home";
  readonly name: string;
  /** The project file. */
  readonly file: string;
  /** Its toplevel (or activation package) derivation. */
  readonly derivation: Derivation;
  /** A home's `config.home.homeDirectory`, when it has one. */
  readonly homeDirectory: string | undefined;
}

const SECTION = { machine: "machines", home: "homes" } as const;

function homeDirectoryOf(value: Derivation): string | undefined {
  const config = (value as unknown as { readonly config?: { readonly home?: { readonly homeDirectory?: unknown } } }).config;
  const directory = config?.home?.homeDirectory;
  return typeof directory === "string" && directory !== "" ? directory : undefined;
}

/** Evaluates the project file and selects the machine or home `name` (see the file comment for the default). */
export async function selectConfiguration(settings: EvaluationSettings, kind: "machine" | "home", name: string | undefined): Promise<SelectedConfiguration> {
  const [given, ...extra] = settings.positionals;
  if (extra.length > 0) throw new ConfigurationNotFoundError(`expected at most one project file, but got also: ${extra.join(" ")}`);
  const section = SECTION[kind];
  const evaluated = await evaluateInstallable(given ?? "./kiln.ts", { ...evaluateOptions(settings), storeDir: storeDirFor(settings) });
  const root = evaluated.value as Record<string, unknown> | undefined;
  const entries = root !== null && typeof root === "object" ? (root[section] as Record<string, unknown> | undefined) : undefined;
  if (entries === undefined || entries === null || typeof entries !== "object") {
    throw new ConfigurationNotFoundError(`${evaluated.file} declares no ${section}: its default export needs '${section}: { NAME: ${kind === "machine" ? "defineMachine" : "defineHome"}({ … }) }'`);
  }
  const names = Object.keys(entries);
  const option = kind === "machine" ? "--machine" : "--home";
  let chosen = name;
  if (chosen === undefined) {
    if (names.length === 1) chosen = names[0];
    else if (kind === "machine" && names.includes(hostname())) chosen = hostname();
    else throw new ConfigurationNotFoundError(`${evaluated.file} declares ${names.length === 0 ? `no ${section}` : `several ${section} (${names.join(", ")})`}: choose one with ${option} NAME`);
  }
  if (chosen === undefined || !names.includes(chosen)) {
    throw new ConfigurationNotFoundError(`${evaluated.file} has no ${kind} '${chosen}'; it declares ${names.length === 0 ? "none" : names.join(", ")}`);
  }
  const value = entries[chosen];
  if (!isDerivation(value)) {
    throw new ConfigurationNotFoundError(`${section}.${chosen} in ${evaluated.file} is not a ${kind}: make it ${kind === "machine" ? "defineMachine" : "defineHome"}({ pkgs, modules: [ … ] }) from @kiln/modules`);
  }
  return { kind, name: chosen, file: evaluated.file, derivation: value, homeDirectory: kind === "home" ? homeDirectoryOf(value) : undefined };
}

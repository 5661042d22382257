/**
 * Shared by commands that read a config: where the `@kiln/*` packages a
 * config may import without installing them live (this CLI's own copies).
 */
import { fileURLToPath } from "node:url";
import type { EvaluateOptions } from "@kiln/core";
import type { ParsedArgs } from "./command.js";
import { realiseDebianIndexesInto } from "./debian-inputs.js";
import { UsageError } from "./usage-error.js";

const FALLBACK_NAMES = ["@kiln/core", "@kiln/debian", "@kiln/modules", "@kiln/pkgs"] as const;

/** URLs of this CLI's own `@kiln/*` packages. */
export function fallbackPackages(): Record<string, string> {
  const packages: Record<string, string> = {};
  for (const name of FALLBACK_NAMES) {
    try {
      packages[name] = import.meta.resolve(name);
    } catch {
      // A package this CLI was installed without cannot be offered.
    }
  }
  return packages;
}

/** The evaluation options the command line asks for. */
export function evaluateOptions(args: ParsedArgs): EvaluateOptions {
  // A config with a Debian input needs its index during evaluation: it is built into this command's store.
  realiseDebianIndexesInto(args);
  const storeDir = args.options["store-dir"];
  return { fallbackPackages: fallbackPackages(), ...(typeof storeDir === "string" ? { storeDir } : {}) };
}

/** The prefix of installables that name the CLI's own default package set: `@kiln/pkgs#hello`. */
const DEFAULT_SET_PREFIX = "@kiln/pkgs";

/**
 * An installable as the config loader takes it: `@kiln/pkgs#NAME` (like
 * Nix's `nixpkgs#NAME`) becomes the default package set this CLI ships;
 * anything else is a config file or directory, unchanged.
 */
export function resolveInstallable(installable: string): string {
  if (installable !== DEFAULT_SET_PREFIX && !installable.startsWith(`${DEFAULT_SET_PREFIX}#`)) return installable;
  const file = fileURLToPath(new URL("./default-packages.js", import.meta.url));
  return `${file}${installable.slice(DEFAULT_SET_PREFIX.length)}`;
}

/** The single installable argument of a command (resolved by {@link resolveInstallable}), or a usage error. */
export function singleInstallable(args: ParsedArgs, command: string): string {
  const [installable, ...rest] = args.positionals;
  if (installable === undefined) throw new UsageError(`'kiln ${command}' needs a config, e.g. 'kiln ${command} ./kiln.ts#hello'`);
  if (rest.length > 0) throw new UsageError(`'kiln ${command}' takes one config, but got also: ${rest.join(" ")}`);
  return resolveInstallable(installable);
}

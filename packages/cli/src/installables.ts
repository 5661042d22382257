/**
 * What an installable on the command line means to this CLI: `@kiln/pkgs#NAME`
 * (like Nix's `nixpkgs#NAME`) is the package set it ships, and the `@kiln/*`
 * packages a config may import without installing them are its own copies.
 * Kept apart from the evaluation options so that a command answered from the
 * evaluation cache needs nothing else.
 */
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const FALLBACK_NAMES = ["@kiln/activation", "@kiln/config", "@kiln/core", "@kiln/debian", "@kiln/formats", "@kiln/modules", "@kiln/pkgs", "@kiln/store"] as const;

/** URLs of this CLI's own `@kiln/*` packages. */
export function fallbackPackages(): Record<string, string> {
  const packages: Record<string, string> = {};
  // Resolved as require() resolves them, which gives the same files (each package's "." export has only a "default"
  // condition) and works in the CommonJS bundle that answers a cached build as in ES modules.
  const require = createRequire(import.meta.url);
  for (const name of FALLBACK_NAMES) {
    try {
      packages[name] = pathToFileURL(require.resolve(name)).href;
    } catch {
      // A package this CLI was installed without cannot be offered.
    }
  }
  return packages;
}

/** The prefix of installables that name the CLI's own default package set: `@kiln/pkgs#hello`. */
export const DEFAULT_SET_PREFIX = "@kiln/pkgs";

/** Whether `installable` names the default package set. */
export function isDefaultSet(installable: string | undefined): boolean {
  return installable !== undefined && (installable === DEFAULT_SET_PREFIX || installable.startsWith(`${DEFAULT_SET_PREFIX}#`));
}

/**
 * An installable as the config loader takes it: `@kiln/pkgs#NAME` (like
 * Nix's `nixpkgs#NAME`) becomes the default package set this CLI ships;
 * anything else is a config file or directory, unchanged.
 */
export function resolveInstallable(installable: string): string {
  if (!isDefaultSet(installable)) return installable;
  const file = fileURLToPath(new URL("./default-packages.js", import.meta.url));
  return `${file}${installable.slice(DEFAULT_SET_PREFIX.length)}`;
}


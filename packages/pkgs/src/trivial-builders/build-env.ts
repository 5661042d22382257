/**
 * `buildEnv`: a profile-like tree of symlinks to the files of several
 * packages (limited to `pathsToLink`), as nixpkgs' `buildEnv`. Unlike
 * `symlinkJoin`, two packages providing different files at the same place
 * is an error that names both files, hence both packages, unless
 * `ignoreCollisions` (then the first one listed wins, with a warning).
 * The packages' `nix-support` directories are not linked.
 */
import { isDerivation } from "@kiln/formats";
import { PackageAttributeError } from "../errors.js";
import type { Meta } from "../meta.js";
import { shippedFile } from "../shipped-files.js";
import type { InputValue, MkDerivationAttrs, NoPassthru, Package } from "../stdenv/package.js";
import type { BuilderStdenvs } from "./builder-stdenvs.js";
import { runCommandWith } from "./run-command.js";

/** Arguments of `buildEnv` (`pkgs.buildEnv`). */
export interface BuildEnvArgs<Passthru extends object = NoPassthru> {
  /** The package's name. */
  readonly name: string;
  /** The packages to put together. */
  readonly paths: readonly InputValue[];
  /** The directories to link (`/bin`, `/share/man`…); default `/`, everything. */
  readonly pathsToLink?: readonly string[];
  /** Keep the first of two colliding files (with a warning) instead of failing. */
  readonly ignoreCollisions?: boolean;
  /** Other outputs of the packages to link as well (e.g. `man`), when they have them. */
  readonly extraOutputsToInstall?: readonly string[];
  /** Shell code run after linking. */
  readonly postBuild?: string;
  /** `meta` of the package. */
  readonly meta?: Meta;
  /** `passthru` of the package. */
  readonly passthru?: Passthru;
  /** Further attributes of the derivation. */
  readonly derivationArgs?: Omit<MkDerivationAttrs<Passthru>, "name">;
}

/** The signature of `buildEnv`. */
export type BuildEnv = <Passthru extends object = NoPassthru>(args: BuildEnvArgs<Passthru>) => Package<Passthru>;

const BUILD_ENV_SCRIPT = `source "$linkTree"
mode=error
if [ -n "\${ignoreCollisions-}" ]; then mode=warn; fi
mkdir -p "$out"
for path in $(cat "$pathsPath"); do
    for link in $pathsToLink; do
        link=\${link%/}
        if [ -z "$link" ]; then
            kilnLinkTree "$path" "$out" "$mode" nix-support
        elif [ -d "$path$link" ]; then
            kilnLinkTree "$path$link" "$out$link" "$mode"
        fi
    done
done
if [ "$kilnLinkCollisions" -gt 0 ]; then
    echo "error: buildEnv '$name': $kilnLinkCollisions collision(s) between packages providing the same file (listed above); remove one of them, or set ignoreCollisions" >&2
    exit 1
fi
eval "\${postBuild-}"
`;

/** The store paths to link: each package's default output, then the extra outputs it has. */
function pathsOf(args: BuildEnvArgs<object>): unknown[] {
  const paths: unknown[] = [];
  for (const path of args.paths) {
    if (path === null || path === false) continue;
    if (path === undefined) throw new PackageAttributeError(`buildEnv '${args.name}': a path is undefined (a misspelt package?)`);
    paths.push(path);
    if (!isDerivation(path)) continue;
    for (const output of args.extraOutputsToInstall ?? []) {
      if (path.outputNames.includes(output) && output !== path.outputNames[0]) paths.push(path.outputs[output]);
    }
  }
  return paths;
}

/** `buildEnv({ name, paths, pathsToLink, ignoreCollisions })`. */
export function buildEnvOf(stdenvs: BuilderStdenvs): BuildEnv {
  return <Passthru extends object = NoPassthru>(args: BuildEnvArgs<Passthru>): Package<Passthru> => {
    const pathsToLink = args.pathsToLink ?? ["/"];
    for (const link of pathsToLink) {
      if (!link.startsWith("/") || /\s/.test(link)) throw new PackageAttributeError(`buildEnv '${args.name}': pathsToLink entry '${link}' must start with '/' and contain no spaces`);
    }
    const attrs: Record<string, unknown> = {
      preferLocalBuild: true,
      allowSubstitutes: false,
      ...args.derivationArgs,
      paths: pathsOf(args),
      pathsToLink,
      ignoreCollisions: args.ignoreCollisions ?? false,
      postBuild: args.postBuild ?? "",
      linkTree: shippedFile("trivial-builders/link-tree.sh"),
      passAsFile: ["paths"],
    };
    if (args.meta !== undefined) attrs["meta"] = args.meta;
    if (args.passthru !== undefined) attrs["passthru"] = args.passthru;
    return runCommandWith<Passthru>({ name: args.name, stdenv: stdenvs.stdenvNoCC, derivationArgs: attrs as Omit<MkDerivationAttrs<Passthru>, "name"> }, BUILD_ENV_SCRIPT);
  };
}

/**
 * `symlinkJoin`: one tree of symlinks to the files of several packages, as
 * nixpkgs' (which uses lndir): where two provide the same file, the first
 * one listed wins. Use `buildEnv` to be told about such collisions.
 */
import type { NoPassthru, Package, InputValue, MkDerivationAttrs } from "../stdenv/package.js";
import type { Meta } from "../meta.js";
import { shippedFile } from "../shipped-files.js";
import type { BuilderStdenvs } from "./builder-stdenvs.js";
import { runCommandWith } from "./run-command.js";

/** Arguments of `symlinkJoin` (`pkgs.symlinkJoin`). */
export interface SymlinkJoinArgs<Passthru extends object = NoPassthru> {
  /** The package's name. */
  readonly name: string;
  /** The packages to join, in order of precedence. */
  readonly paths: readonly InputValue[];
  /** Shell code run after linking, in `$out`'s build. */
  readonly postBuild?: string;
  /** `meta` of the package. */
  readonly meta?: Meta;
  /** `passthru` of the package. */
  readonly passthru?: Passthru;
  /** Further attributes of the derivation. */
  readonly derivationArgs?: Omit<MkDerivationAttrs<Passthru>, "name">;
}

/** The signature of `symlinkJoin`. */
export type SymlinkJoin = <Passthru extends object = NoPassthru>(args: SymlinkJoinArgs<Passthru>) => Package<Passthru>;

const SYMLINK_JOIN_SCRIPT = `source "$linkTree"
mkdir -p "$out"
for path in $(cat "$pathsPath"); do
    kilnLinkTree "$path" "$out" first
done
eval "\${postBuild-}"
`;

/** `symlinkJoin({ name, paths, postBuild })`. */
export function symlinkJoinOf(stdenvs: BuilderStdenvs): SymlinkJoin {
  return <Passthru extends object = NoPassthru>(args: SymlinkJoinArgs<Passthru>): Package<Passthru> => {
    const attrs: Record<string, unknown> = {
      preferLocalBuild: true,
      allowSubstitutes: false,
      ...args.derivationArgs,
      paths: args.paths.filter((path) => path !== null && path !== false),
      postBuild: args.postBuild ?? "",
      linkTree: shippedFile("trivial-builders/link-tree.sh"),
      passAsFile: ["paths"],
    };
    if (args.meta !== undefined) attrs["meta"] = args.meta;
    if (args.passthru !== undefined) attrs["passthru"] = args.passthru;
    return runCommandWith<Passthru>({ name: args.name, stdenv: stdenvs.stdenvNoCC, derivationArgs: attrs as Omit<MkDerivationAttrs<Passthru>, "name"> }, SYMLINK_JOIN_SCRIPT);
  };
}

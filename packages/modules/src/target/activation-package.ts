/**
 * The one derivation of an activation target: a machine's
 * `system.build.toplevel` (NixOS's `top-level.nix`) and a home's
 * `home.build.activationPackage` (home-manager's `activationPackage`) are
 * both this ({@link targetPackage}). Its output holds the activation manifest
 * (`kiln-activation.json`), the evaluated configuration (`config.json`), a
 * link to the installed packages, and a tree of links mirroring the
 * manifest's files, to browse. Every store path the manifest names is
 * written into the output, so it is a reference and the generation's
 * closure holds all it links to. The assertions are checked first, as
 * NixOS does before building the toplevel.
 *
 * The names of the pieces (`sw`/`etc` on a machine, `home-path`/`home-files`
 * in a home) and of the builder's attributes are the caller's, so each
 * target keeps the layout its users know.
 */
import { ACTIVATION_MANIFEST_FILE, type Derivation } from "@kiln/formats";
import { AssertionsFailedError } from "../errors/assertions-failed-error.js";
import { mkOption } from "../options/mk-option.js";
import { types } from "../types/index.js";
import type { PackageValue } from "../types/primitive-types.js";
import type { MachinePackageSet } from "./package-set.js";
import { storePathName } from "./package-values.js";

/** The read-only option holding a target's derivation (`system.build.toplevel`, `home.build.activationPackage`). */
export function mkActivationPackageOption(description: string) {
  return mkOption({ type: types.package, readOnly: true, description });
}

/** How a target names the pieces of its derivation. */
export interface ActivationPackageLayout {
  /** The derivation's name before the target's own (`kiln-system`, `kiln-home`). */
  readonly prefix: string;
  /** The builder attribute holding the configuration (`machineConfig`). */
  readonly configAttribute: string;
  /** The link to the installed packages in the output (`sw`), and the builder attribute naming them (`sw`). */
  readonly packagesLink: string;
  readonly packagesAttribute: string;
  /** The directory of links to the managed files (`etc`), and the builder attribute listing them (`etcLinks`). */
  readonly filesDirectory: string;
  readonly fileLinksAttribute: string;
}

/** A target configuration's `assertions`, checked before its derivation is made. */
export interface TargetAssertions {
  readonly assertions: readonly { readonly assertion: boolean; readonly message: string }[];
}

/** What one target's derivation is made of. */
export interface ActivationPackageContents extends TargetAssertions {
  /** The target's name (`system.name`, `home.username`). */
  readonly name: string;
  /** Makes the manifest; called only once the assertions hold. */
  readonly manifest: () => { readonly files: Readonly<Record<string, { readonly source: string }>> };
  /** The evaluated configuration as JSON. */
  readonly configJson: () => string;
  /** The installed packages. */
  readonly packages: PackageValue;
}

/** Builds a target's derivation (see the file comment). */
export function targetPackage(pkgs: MachinePackageSet, layout: ActivationPackageLayout, contents: ActivationPackageContents): Derivation {
  const failures = contents.assertions.filter((assertion) => !assertion.assertion).map((assertion) => assertion.message);
  if (failures.length > 0) throw new AssertionsFailedError(failures);
  const manifest = contents.manifest();
  const fileLinks = Object.entries(manifest.files).map(([target, file]) => `${target}\t${file.source}\n`);
  const files = `"$out/${layout.filesDirectory}`;
  const script = `mkdir -p ${files}"
cp "$manifestPath" "$out/${ACTIVATION_MANIFEST_FILE}"
cp "$${layout.configAttribute}Path" "$out/config.json"
ln -s "$${layout.packagesAttribute}" "$out/${layout.packagesLink}"
while IFS=$'\\t' read -r target source; do
    [ -n "$target" ] || continue
    mkdir -p "$(dirname ${files}/$target")"
    ln -s "$source" ${files}/$target"
done < "$${layout.fileLinksAttribute}Path"
`;
  return pkgs.runCommand(
    `${layout.prefix}-${storePathName(contents.name)}`,
    {
      manifest: `${JSON.stringify(manifest, null, 2)}\n`,
      [layout.configAttribute]: contents.configJson(),
      [layout.fileLinksAttribute]: fileLinks.join(""),
      [layout.packagesAttribute]: contents.packages,
      preferLocalBuild: true,
      allowSubstitutes: false,
      passAsFile: ["manifest", layout.configAttribute, layout.fileLinksAttribute],
    },
    script,
  );
}

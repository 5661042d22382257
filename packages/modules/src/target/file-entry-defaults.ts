/**
 * The defaults of a managed file entry, shared by a machine's
 * `environment.etc.<name>` and a home's `home.file.<name>` (NixOS's
 * `etc.nix`, home-manager's `files.nix`): `target` defaults to the
 * attribute name, and `source` to `text` written to the store.
 */
import { lazy } from "../properties/lazy.js";
import { mkIf } from "../properties/mk-if.js";
import { mkDefault } from "../properties/mk-override.js";
import { located } from "./module-file.js";
import type { MachinePackageSet } from "./package-set.js";
import { storePathName } from "./package-values.js";

/** The entry's submodule defaults, declared in `file`; the text's store path is named `<prefix>-<name>`. */
export function fileEntryDefaults(file: string, pkgs: MachinePackageSet, prefix: string): object {
  return located(file, ({ name, config }: { readonly name: string; readonly config: { readonly text: string | null } }) => ({
    config: {
      target: mkDefault(name),
      source: mkIf(
        lazy(() => config.text !== null),
        lazy(() => pkgs.writeText(`${prefix}-${storePathName(name.replace(/\//g, "-"))}`, config.text ?? "")),
      ),
    },
  }));
}

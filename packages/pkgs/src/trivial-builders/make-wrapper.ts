/**
 * `makeWrapper`: the setup hook that gives builds `makeWrapper` and
 * `wrapProgram` (see make-wrapper.sh for their arguments: `--set`,
 * `--prefix PATH : …`, `--add-flags`…), as nixpkgs' `makeWrapper`. Put it
 * in `nativeBuildInputs`; the wrappers run with the stdenv's shell.
 */
import { shippedFile } from "../shipped-files.js";
import type { Package } from "../stdenv/package.js";
import type { BuilderStdenvs } from "./builder-stdenvs.js";
import { makeSetupHookOf } from "./make-setup-hook.js";

/** The `makeWrapper` setup hook for these stdenvs. */
export function makeWrapperOf(stdenvs: BuilderStdenvs): Package {
  return makeSetupHookOf(stdenvs)(
    { name: "make-wrapper-hook", substitutions: { shell: stdenvs.stdenvNoCC.shell }, meta: { description: "Defines makeWrapper and wrapProgram for the build" } },
    shippedFile("trivial-builders/make-wrapper.sh"),
  );
}

/** The C fixtures of the dependency tests: libbase (static), libgreet (shared, out + dev, propagating libbase) and an app using libgreet. */
import { path } from "@kiln/core";
import type { Package, Stdenv } from "../src/index.js";

/** The three packages, made with `stdenv`; `postInstall` runs in the app's build, where its inputs are set up. */
export function greetLibraries(stdenv: Stdenv, postInstall: string): { libbase: Package; libgreet: Package; app: Package } {
  const { mkDerivation } = stdenv;
  const libbase = mkDerivation({ pname: "libbase", version: "1.0", src: path("./fixtures/libbase") });
  const libgreet = mkDerivation({
    pname: "libgreet",
    version: "1.0",
    src: path("./fixtures/libgreet"),
    outputs: ["out", "dev"],
    // greet.h includes base.h, so whoever uses libgreet needs libbase too.
    propagatedBuildInputs: [libbase],
  });
  const app = mkDerivation({ pname: "greet-app", version: "1.0", src: path("./fixtures/greet-app"), buildInputs: [libgreet], postInstall });
  return { libbase, libgreet, app };
}

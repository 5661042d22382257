/**
 * Type-level specifications of `StdenvLike`, the shape of a stdenv that a
 * package's `stdenv` has, checked by `tsc -p tsconfig.json` at the
 * repository root (not run by vitest): every `Stdenv` is one and, as the
 * class keeps nothing else, every one is a `Stdenv`; so a package's stdenv
 * can be handed back to whatever takes a stdenv.
 */
import { callPackage, makePkgs, runCommandWith, stdenv, stdenvHostNoCC, type Package, type Stdenv, type StdenvLike } from "../src/index.js";

// Every stdenv of the class is a StdenvLike, the host ones included.
const host: StdenvLike = stdenvHostNoCC;

const pkg = stdenv.mkDerivation({ pname: "made", version: "1", dontUnpack: true, installPhase: "touch $out" });

// A package's stdenv runs a command and makes further packages.
runCommandWith({ name: "again", stdenv: pkg.stdenv }, "touch $out");
pkg.stdenv.mkDerivation({ name: "sibling", buildCommand: "touch $out" }).stdenv satisfies StdenvLike;

// What users read of a package's stdenv keeps its types.
pkg.stdenv.hasCC satisfies boolean;
pkg.stdenv.toolchain satisfies "debian" | "host";
pkg.stdenv.buildRootFor([]) satisfies string | undefined;
`${pkg.stdenv}` satisfies string;

// A package function taking a StdenvLike is overridden with another package's stdenv.
const greeting = ({ stdenv }: { stdenv: StdenvLike }): Package => stdenv.mkDerivation({ name: "greeting", buildCommand: "echo hi > $out" });
callPackage(greeting, {}).override({ stdenv: pkg.stdenv });
makePkgs().callPackage(greeting).override({ stdenv: host });

// The class has no members but the interface's, so a package's stdenv is a Stdenv too.
const back: Stdenv = pkg.stdenv;
callPackage(({ stdenv }: { stdenv: Stdenv }): Package => stdenv.mkDerivation({ name: "typed", buildCommand: "touch $out" })).override({ stdenv: back });

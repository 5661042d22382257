/**
 * Type-level specifications of `mkDerivation`'s attributes, checked by
 * `tsc -p tsconfig.json` at the repository root (not run by vitest): a
 * misspelt attribute is a compile error; upper-case environment variables,
 * custom phases and `env` are accepted.
 */
import { stdenv } from "../src/index.js";

// A misspelt attribute of an object is refused.
// @ts-expect-error 'dontUnpak' is not an attribute of mkDerivation (dontUnpack is)
stdenv.mkDerivation({ pname: "typo", version: "1", dontUnpak: true });

// Environment variables: upper-case names directly, any name through env.
stdenv.mkDerivation({ pname: "vars", version: "1", dontUnpack: true, NIX_CFLAGS_COMPILE: "-O2", env: { lowerCaseVariable: "x" } });

// A phase of one's own, named in phases.
stdenv.mkDerivation({ pname: "phases", version: "1", phases: ["myPhase"], myPhase: "true" });

// The function form (nixpkgs' finalAttrs) takes the same attributes.
stdenv.mkDerivation((finalAttrs) => ({ pname: "fn", version: "1", NIX_X: String(finalAttrs.version), preferLocalBuild: true }));

/**
 * The stdenvs trivial builders use: `stdenvNoCC` for what only writes and
 * copies files, `stdenv` for `runCommandCC`. A package set passes its own
 * (so overlays replacing them reach the builders); the functions exported
 * at the top level use the default ones.
 */
import { stdenv, stdenvNoCC, type Stdenv } from "../stdenv/stdenv.js";

/** The stdenvs a trivial builder may use. */
export interface BuilderStdenvs {
  /** With a C compiler. */
  readonly stdenv: Stdenv;
  /** Without one. */
  readonly stdenvNoCC: Stdenv;
}

/** The default stdenvs. */
export const defaultBuilderStdenvs: BuilderStdenvs = { stdenv, stdenvNoCC };


/**
 * The stdenvs trivial builders use: `stdenvNoCC` for what only writes and
 * copies files, `stdenv` for `runCommandCC`. A package set passes its own
 * (so overlays replacing them reach the builders); the functions exported
 * at the top level use the default ones.
 */
import type { StdenvLike } from "../stdenv/package.js";
import { stdenv, stdenvNoCC } from "../stdenv/stdenv.js";

/** The stdenvs a trivial builder may use. */
export interface BuilderStdenvs {
  /** With a C compiler. */
  readonly stdenv: StdenvLike;
  /** Without one. */
  readonly stdenvNoCC: StdenvLike;
}

/** The default stdenvs. */
export const defaultBuilderStdenvs: BuilderStdenvs = { stdenv, stdenvNoCC };


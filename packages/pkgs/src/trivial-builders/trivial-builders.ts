/**
 * All trivial builders bound to one pair of stdenvs: what a package set
 * offers as `pkgs.runCommand`, `pkgs.writeText`… (bound to its own
 * stdenvs) and the package exports at the top level (bound to the defaults).
 */
import type { BuilderStdenvs } from "./builder-stdenvs.js";
import { buildEnvOf, type BuildEnv } from "./build-env.js";
import { makeSetupHookOf, type MakeSetupHook } from "./make-setup-hook.js";
import { runCommandCCOf, runCommandLocalOf, runCommandOf, type RunCommand } from "./run-command.js";
import { symlinkJoinOf, type SymlinkJoin } from "./symlink-join.js";
import { writeShellApplicationOf, type WriteShellApplication } from "./write-shell-application.js";
import { writeShellScriptBinOf, writeShellScriptOf } from "./write-shell-script.js";
import { writeScriptBinOf, writeScriptOf, writeTextFileOf, writeTextOf, type WriteText, type WriteTextFile } from "./write-text-file.js";

/** The trivial builders. */
export interface TrivialBuilders {
  readonly runCommand: RunCommand;
  readonly runCommandCC: RunCommand;
  readonly runCommandLocal: RunCommand;
  readonly writeTextFile: WriteTextFile;
  readonly writeText: WriteText;
  readonly writeScript: WriteText;
  readonly writeScriptBin: WriteText;
  readonly writeShellScript: WriteText;
  readonly writeShellScriptBin: WriteText;
  readonly writeShellApplication: WriteShellApplication;
  readonly symlinkJoin: SymlinkJoin;
  readonly buildEnv: BuildEnv;
  readonly makeSetupHook: MakeSetupHook;
}

/** The trivial builders using `stdenvs` (read when a builder is called, so they may be getters). */
export function trivialBuilders(stdenvs: BuilderStdenvs): TrivialBuilders {
  return {
    runCommand: runCommandOf(stdenvs),
    runCommandCC: runCommandCCOf(stdenvs),
    runCommandLocal: runCommandLocalOf(stdenvs),
    writeTextFile: writeTextFileOf(stdenvs),
    writeText: writeTextOf(stdenvs),
    writeScript: writeScriptOf(stdenvs),
    writeScriptBin: writeScriptBinOf(stdenvs),
    writeShellScript: writeShellScriptOf(stdenvs),
    writeShellScriptBin: writeShellScriptBinOf(stdenvs),
    writeShellApplication: writeShellApplicationOf(stdenvs),
    symlinkJoin: symlinkJoinOf(stdenvs),
    buildEnv: buildEnvOf(stdenvs),
    makeSetupHook: makeSetupHookOf(stdenvs),
  };
}


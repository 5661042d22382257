/**
 * `writeShellScript` and `writeShellScriptBin`: a bash script with a `#!`
 * line for the stdenv's shell (the host's /bin/bash), checked with
 * `bash -n` when built, as in nixpkgs.
 */
import type { BuilderStdenvs } from "./builder-stdenvs.js";
import { writeTextFileOf, type WriteText } from "./write-text-file.js";

/** The check of a shell script: `bash -n`, failing with a message that names the script. */
export function shellSyntaxCheck(dryRun: string, name: string): string {
  return `runHook preCheck
if ! ${dryRun} "$target"; then
  echo "error: '${name.replace(/'/g, "")}' has a shell syntax error (reported by bash -n above)" >&2
  exit 1
fi
runHook postCheck
`;
}

/** `writeShellScript(name, text)`: an executable bash script. */
export function writeShellScriptOf(stdenvs: BuilderStdenvs): WriteText {
  const writeTextFile = writeTextFileOf(stdenvs);
  return (name, text) => {
    const { shell, shellDryRun } = stdenvs.stdenvNoCC;
    return writeTextFile({ name, text: `#!${shell}\n${text}\n`, executable: true, checkPhase: shellSyntaxCheck(shellDryRun, name) });
  };
}

/** `writeShellScriptBin(name, text)`: the same at `$out/bin/${name}`. */
export function writeShellScriptBinOf(stdenvs: BuilderStdenvs): WriteText {
  const writeTextFile = writeTextFileOf(stdenvs);
  return (name, text) => {
    const { shell, shellDryRun } = stdenvs.stdenvNoCC;
    return writeTextFile({
      name,
      text: `#!${shell}\n${text}\n`,
      executable: true,
      destination: `/bin/${name}`,
      checkPhase: shellSyntaxCheck(shellDryRun, name),
      meta: { mainProgram: name },
    });
  };
}

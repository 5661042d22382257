/**
 * Packages from local sources: a C program built with make (its tests run),
 * a shell tool using it, and an environment of both.
 *
 *   pnpm kiln build ./examples/packages#env && ./result/bin/count-words-in README.md
 */
import { path, placeholder } from "@kiln/core";
import { defaultPackageSet, licenses } from "@kiln/pkgs";

const pkgs = defaultPackageSet();

export const wordcount = pkgs.stdenv.mkDerivation({
  pname: "wordcount",
  version: "1.0",
  src: path("./wordcount"),
  makeFlags: [`PREFIX=${placeholder("out")}`],
  doCheck: true,
  meta: { description: "Counts the words on standard input", license: licenses.mit, mainProgram: "wordcount" },
});

export const countWordsIn = pkgs.writeShellApplication({
  name: "count-words-in",
  runtimeInputs: [wordcount],
  text: 'for file in "$@"; do printf "%s: %s\\n" "$file" "$(wordcount < "$file")"; done',
});

export const env = pkgs.buildEnv({ name: "word-tools", paths: [wordcount, countWordsIn] });

export default { wordcount, countWordsIn, env };

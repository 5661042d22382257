/**
 * Test helper: a package set for homes, the machine tests' set (with its
 * stand-ins) plus stand-ins for git and htop, each a script built in a
 * moment that says what it is.
 */
import type { Derivation } from "@kiln/core";
import { testPackageSet } from "../machine/fixture.js";

/** The stand-ins a home test can ask for besides the machine tests'. */
export interface HomeTestPackages {
  readonly git: Derivation;
  readonly htop: Derivation;
}

/** The machine test set of the current store directory, with git and htop. */
export function homePackageSet(): ReturnType<typeof testPackageSet> & HomeTestPackages {
  return testPackageSet().extend<HomeTestPackages>((final) => {
    const standIn = (name: string, version: string, program: string): Derivation =>
      final.runCommand(`${name}-${version}`, { pname: name, version }, `mkdir -p "$out/bin"\nprintf '#!/bin/sh\\necho "${program} stand-in" "$@"\\n' > "$out/bin/${program}"\nchmod +x "$out/bin/${program}"\n`);
    return {
      get git() {
        return standIn("git", "2.47.0", "git");
      },
      get htop() {
        return standIn("htop", "3.3.0", "htop");
      },
    };
  });
}

/**
 * Test helper: a package set for machines, made of `@kiln/pkgs`' default
 * set and small stand-ins for the packages the machine modules use (nginx,
 * openssh, OBS…), each a shell script or two built in a moment.
 */
import { defaultPackageSet, type DefaultPackageSet } from "@kiln/pkgs";
import type { Derivation } from "@kiln/core";

/** A stand-in package: `bin/<name>` scripts that print what they are, plus extra files. */
function standIn(pkgs: DefaultPackageSet, name: string, programs: readonly string[], extraFiles: Readonly<Record<string, string>> = {}): Derivation {
  const commands = [
    "mkdir -p \"$out\"",
    ...programs.map((program) => `mkdir -p "$out/bin" && printf '#!/bin/sh\\necho ${name} ${program} "$@"\\n' > "$out/bin/${program}" && chmod +x "$out/bin/${program}"`),
    ...Object.entries(extraFiles).map(([file, text]) => `mkdir -p "$(dirname "$out/${file}")" && printf '%s' '${text}' > "$out/${file}"`),
  ];
  return pkgs.runCommand(name, {}, `${commands.join("\n")}\n`);
}

/** The stand-ins a machine test can ask for. */
export interface TestPackages {
  readonly nginx: Derivation;
  readonly openssh: Derivation;
  readonly "obs-studio": Derivation;
  readonly "util-linux": Derivation;
  readonly obsPlugins: { readonly "obs-backgroundremoval": Derivation };
  readonly ripgrep: Derivation;
  readonly tool: Derivation;
}

/** The default package set of the current store directory, with the stand-ins. */
export function testPackageSet(): DefaultPackageSet & TestPackages {
  return defaultPackageSet().extend<TestPackages>((final) => ({
    get nginx() {
      return standIn(final, "nginx-1.27.0", ["nginx"], { "conf/mime.types": "types { text/html html; }\n" });
    },
    get openssh() {
      return standIn(final, "openssh-9.8", ["sshd", "ssh-keygen", "ssh"], { "libexec/sftp-server": "" });
    },
    get "obs-studio"() {
      return standIn(final, "obs-studio-30.2", ["obs"]);
    },
    get "util-linux"() {
      return standIn(final, "util-linux-2.40", ["fstrim"]);
    },
    get obsPlugins() {
      return { "obs-backgroundremoval": standIn(final, "obs-backgroundremoval-1.1", [], { "lib/obs-plugins/obs-backgroundremoval.so": "plugin" }) };
    },
    get ripgrep() {
      return standIn(final, "ripgrep-14.1", ["rg"]);
    },
    // A package with pname and version, as the manifest records them.
    get tool() {
      return final.stdenvNoCC.mkDerivation({
        pname: "tool",
        version: "1.0",
        dontUnpack: true,
        installPhase: `mkdir -p "$out/bin" && printf '#!/bin/sh\\necho tool\\n' > "$out/bin/tool" && chmod +x "$out/bin/tool"`,
      });
    },
  }));
}

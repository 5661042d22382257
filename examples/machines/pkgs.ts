/**
 * The package set of both machines: Kiln's default set, plus stand-ins for
 * what it does not package yet. OBS Studio, its plugins, Steam and the GPU
 * drivers are large (Steam is not even free software), and this machine
 * builds offline, so each is a small script of the same name that says what
 * it stands for. Swap a stand-in for a real package definition and nothing
 * else changes: the modules only see `pkgs.steam`.
 */
import { defaultPackageSet } from "@kiln/pkgs";
import type { Derivation } from "@kiln/core";
import type { MyPackageNeeds } from "@example/my-modules";

/** The stand-ins and tools this example adds to the default set. */
export interface ExamplePackages extends MyPackageNeeds {
  readonly ripgrep: Derivation;
  readonly "nvidia-vaapi-driver": Derivation;
  readonly "intel-media-driver": Derivation;
  readonly "util-linux": Derivation;
}

export const pkgs = defaultPackageSet().extend<ExamplePackages>((final) => {
  const standIn = (name: string, version: string, program: string): Derivation =>
    final.runCommand(`${name}-${version}`, { pname: name, version }, `mkdir -p "$out/bin"
printf '#!/bin/sh\\necho "${program} (a stand-in for ${name} ${version})" "$@"\\n' > "$out/bin/${program}"
chmod +x "$out/bin/${program}"
`);
  const plugin = (name: string): Derivation =>
    final.runCommand(`${name}-1.0`, { pname: name, version: "1.0" }, `mkdir -p "$out/lib/obs-plugins" && echo "${name}" > "$out/lib/obs-plugins/${name}.so"\n`);
  const driver = (name: string): Derivation =>
    final.runCommand(`${name}-1.0`, { pname: name, version: "1.0" }, `mkdir -p "$out/lib/dri" && echo "${name}" > "$out/lib/dri/${name}_drv_video.so"\n`);
  return {
    get "obs-studio"() {
      return standIn("obs-studio", "30.2.3", "obs");
    },
    get obsPlugins() {
      return { "obs-backgroundremoval": plugin("obs-backgroundremoval"), "obs-pipewire-audio-capture": plugin("obs-pipewire-audio-capture") };
    },
    get steam() {
      return standIn("steam", "1.0.0.81", "steam");
    },
    get mangohud() {
      return standIn("mangohud", "0.7.2", "mangohud");
    },
    get htop() {
      return standIn("htop", "3.3.0", "htop");
    },
    get git() {
      return standIn("git", "2.47.0", "git");
    },
    get openssh() {
      return final.runCommand("openssh-9.8p1", { pname: "openssh", version: "9.8p1" }, `mkdir -p "$out/bin" "$out/libexec"
for program in sshd ssh ssh-keygen; do printf '#!/bin/sh\\necho "%s (a stand-in for openssh 9.8p1)" "$@"\\n' "$program" > "$out/bin/$program"; chmod +x "$out/bin/$program"; done
touch "$out/libexec/sftp-server"
`);
    },
    get ripgrep() {
      return standIn("ripgrep", "14.1.1", "rg");
    },
    get "nvidia-vaapi-driver"() {
      return driver("nvidia-vaapi-driver");
    },
    get "intel-media-driver"() {
      return driver("intel-media-driver");
    },
    get "util-linux"() {
      return standIn("util-linux", "2.40.2", "fstrim");
    },
    // A real tool of this example: a shell application, checked with bash -n.
    get backup() {
      return final.writeShellApplication({
        name: "backup",
        runtimeInputs: [],
        text: `target=\${1:?usage: backup DIR}\necho "backing up $target"\n`,
      });
    },
  };
});

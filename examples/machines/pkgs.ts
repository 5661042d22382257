/**
 * The package set of both machines: Kiln's default set, plus the programs
 * the machines exist for, from Debian bookworm's `main` (locked by hash in
 * `kiln.lock` beside this file): OBS Studio and two of the plugins Debian
 * ships, MangoHud, htop, git, OpenSSH, ripgrep, util-linux and the GPU
 * drivers. Steam is not free software and not in `main`, so it stays a
 * small stand-in script (see the README for taking it from `contrib`).
 * The modules only see `pkgs.steam` and friends: swapping one package for
 * another changes nothing else.
 */
import { debian } from "@kiln/debian";
import { defaultPackageSet } from "@kiln/pkgs";
import type { Derivation } from "@kiln/core";
import type { MyPackageNeeds } from "@example/my-modules";

/** Debian bookworm, as `kiln.lock` pins it (`kiln update` moves it). */
export const deb = await debian({ suite: "bookworm" });

/** The packages this example adds to the default set. */
export interface ExamplePackages extends MyPackageNeeds {
  readonly ripgrep: Derivation;
  readonly "nvidia-vaapi-driver": Derivation;
  readonly "intel-media-driver": Derivation;
  readonly "mesa-opencl-icd": Derivation;
  readonly "util-linux": Derivation;
}

export const pkgs = defaultPackageSet().extend<ExamplePackages>((final) => ({
  get "obs-studio"() {
    return deb.package("obs-studio");
  },
  // Debian's OBS plugins; programs.obs-studio puts them in one environment with OBS (withPackages).
  get obsPlugins() {
    return { "obs-move-transition": deb.package("obs-move-transition"), "obs-gradient-source": deb.package("obs-gradient-source") };
  },
  // Non-free, not in Debian's main: a stand-in of the same name and version that says what it stands for.
  get steam() {
    return final.runCommand("steam-1.0.0.81", { pname: "steam", version: "1.0.0.81" }, `mkdir -p "$out/bin"
printf '#!/bin/sh\\necho "steam (a stand-in for steam 1.0.0.81)" "$@"\\n' > "$out/bin/steam"
chmod +x "$out/bin/steam"
`);
  },
  get mangohud() {
    return deb.package("mangohud");
  },
  get htop() {
    return deb.package("htop");
  },
  get git() {
    return deb.package("git");
  },
  // The server and the client in one environment: bin/ has sshd, ssh and ssh-keygen.
  get openssh() {
    return deb.package("openssh-server").withPackages([deb.package("openssh-client")]);
  },
  get ripgrep() {
    return deb.package("ripgrep");
  },
  get "nvidia-vaapi-driver"() {
    return deb.package("nvidia-vaapi-driver");
  },
  get "intel-media-driver"() {
    return deb.package("intel-media-va-driver");
  },
  get "mesa-opencl-icd"() {
    return deb.package("mesa-opencl-icd");
  },
  get "util-linux"() {
    return deb.package("util-linux");
  },
  // A real tool of this example: a shell application, checked with bash -n.
  get backup() {
    return final.writeShellApplication({
      name: "backup",
      runtimeInputs: [],
      text: `target=\${1:?usage: backup DIR}\necho "backing up $target"\n`,
    });
  },
}));

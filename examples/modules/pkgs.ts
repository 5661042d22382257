/**
 * A tiny package set for the example: each package is a real derivation that
 * installs a script under `bin/`, standing in for nixpkgs' packages.
 */
import { currentSystem, derivation, type Derivation } from "@kiln/core";
import type { PackageValue } from "@kiln/modules";

function script(name: string, text: string): Derivation<"out"> {
  return derivation({
    name,
    system: currentSystem(),
    PATH: "/usr/bin:/bin",
    builder: "/bin/sh",
    args: ["-c", `mkdir -p "$out/bin" && printf '%s\\n' '#!/bin/sh' "echo ${text}" > "$out/bin/${name}" && chmod +x "$out/bin/${name}"`],
  });
}

/** An OBS Studio with the given plugins, as nixpkgs' `wrapOBS` makes one. */
export function wrapObs(obs: PackageValue, plugins: readonly PackageValue[]): Derivation<"out"> {
  return derivation({
    name: "obs-studio-with-plugins",
    system: currentSystem(),
    PATH: "/usr/bin:/bin",
    builder: "/bin/sh",
    args: ["-c", `mkdir -p "$out/bin" "$out/share/obs/plugins" && ln -s ${String(obs)}/bin/obs-studio "$out/bin/obs-studio" && for p in ${plugins.map(String).join(" ")}; do ln -s "$p" "$out/share/obs/plugins/"; done`],
  });
}

export const pkgs = {
  "obs-studio": script("obs-studio", "recording"),
  obsPlugins: {
    "obs-backgroundremoval": script("obs-backgroundremoval", "background removed"),
    "obs-pipewire-audio-capture": script("obs-pipewire-audio-capture", "capturing audio"),
    "obs-vkcapture": script("obs-vkcapture", "capturing vulkan"),
  },
  steam: script("steam", "playing"),
  mangohud: script("mangohud", "overlay"),
  htop: script("htop", "processes"),
};

export type Pkgs = typeof pkgs;

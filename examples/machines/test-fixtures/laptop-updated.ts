/**
 * The laptop a week later, for the example's tests: htop 3.4.0 from an
 * overlay instead of Debian's 3.2.2, MangoHud (Debian's) added, ripgrep
 * dropped.
 */
import type { Derivation } from "@kiln/core";
import { defineMachine, defineMachineModule, mkForce } from "@kiln/modules";
import { my } from "@example/my-modules";
import { laptop } from "../machines/laptop.js";
import { pkgs as basePkgs } from "../pkgs.js";

const pkgs = basePkgs.extend<{ htop: Derivation }>((final) => ({
  get htop() {
    return final.runCommand("htop-3.4.0", { pname: "htop", version: "3.4.0" }, `mkdir -p "$out/bin" && printf '#!/bin/sh\\necho htop 3.4.0\\n' > "$out/bin/htop" && chmod +x "$out/bin/htop"\n`);
  },
}));

const update = defineMachineModule<typeof pkgs>(({ pkgs }) => ({
  config: { environment: { systemPackages: mkForce([pkgs.htop, pkgs.mangohud]) } },
}));

export default { machines: { laptop: defineMachine({ pkgs, modules: [my, laptop, update] }) } };

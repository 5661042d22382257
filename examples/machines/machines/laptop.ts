/** The small laptop: no streaming, no gaming, an Intel GPU and an SSD to trim. */
import { defineMachineModule } from "@kiln/modules";
import type { pkgs } from "../pkgs.js";

export const laptop = defineMachineModule<typeof pkgs>(({ pkgs }) => ({
  config: {
    networking: { hostName: "laptop" },
    time: { timeZone: "Europe/Lisbon" },
    hardware: { graphics: { enable: true, extraPackages: [pkgs["intel-media-driver"]] } },
    services: { fstrim: { enable: true } },
    environment: {
      systemPackages: [pkgs.ripgrep],
    },
  },
}));

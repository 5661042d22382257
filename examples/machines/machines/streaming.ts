/** The streaming machine: a desktop with an NVIDIA card, for streaming and gaming. */
import { defineMachineModule } from "@kiln/modules";
import { myOptions } from "@example/my-modules";
import type { pkgs } from "../pkgs.js";

export const streaming = defineMachineModule<typeof pkgs, [typeof myOptions]>(({ pkgs }) => ({
  config: {
    networking: { hostName: "streaming" },
    time: { timeZone: "Europe/Berlin" },
    my: { streaming: { enable: true }, gaming: { enable: true } },
    hardware: { graphics: { enable: true, extraPackages: [pkgs["nvidia-vaapi-driver"], pkgs["mesa-opencl-icd"]] } },
    boot: { kernelModules: ["nvidia", "nvidia_uvm"] },
  },
}));

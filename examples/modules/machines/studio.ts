/** The streaming machine: a desktop with an NVIDIA card, streaming and gaming. */
import { defineModule } from "@kiln/modules";
import { base } from "../modules/base.js";
import { myOptions, my } from "../modules/my.js";

export const studio = defineModule<[typeof base, typeof myOptions]>({
  imports: [my],
  config: {
    networking: { hostName: "studio" },
    my: { obsWithAllMyPlugins: { enable: true }, gaming: { enable: true } },
    hardware: { graphics: { driver: "nvidia" } },
    boot: { kernelModules: ["nvidia", "nvidia_uvm"] },
  },
});

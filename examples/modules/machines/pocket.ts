/** The small laptop: records now and then, never games, has no use for a virtual camera. */
import { defineModule, mkForce } from "@kiln/modules";
import { base } from "../modules/base.js";
import { obsStudioOptions } from "../modules/obs-studio.js";
import { my, myOptions } from "../modules/my.js";

export const pocket = defineModule<[typeof base, typeof myOptions, typeof obsStudioOptions]>({
  imports: [my],
  config: {
    networking: { hostName: "pocket" },
    my: { obsWithAllMyPlugins: { enable: true } },
    programs: { "obs-studio": { enableVirtualCamera: mkForce(false) } },
    boot: { kernelModules: ["iwlwifi"] },
  },
});

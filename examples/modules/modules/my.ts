/**
 * The user's own module, shared by every machine: two switches that turn
 * on a whole setup each.
 */
import { defineModule, mkDefault, mkEnableOption, mkIf, mkMerge } from "@kiln/modules";
import { pkgs } from "../pkgs.js";
import { base } from "./base.js";
import { obsStudio, obsStudioOptions } from "./obs-studio.js";
import { steam, steamOptions } from "./steam.js";

export const myOptions = defineModule({
  options: {
    my: {
      obsWithAllMyPlugins: { enable: mkEnableOption("OBS Studio with every plugin I use") },
      gaming: { enable: mkEnableOption("the gaming setup") },
    },
  },
});

export const my = defineModule<[typeof base, typeof obsStudioOptions, typeof steamOptions, typeof myOptions]>(({ config }) => ({
  imports: [base, obsStudio, steam, myOptions],
  config: mkMerge([
    { environment: { systemPackages: [pkgs.htop] } },
    mkIf(config.my.obsWithAllMyPlugins.enable, {
      programs: {
        "obs-studio": {
          enable: true,
          plugins: Object.values(pkgs.obsPlugins),
          // On by default; a machine without a webcam use can turn it off.
          enableVirtualCamera: mkDefault(true),
        },
      },
    }),
    mkIf(config.my.gaming.enable, {
      programs: { steam: { enable: true } },
      environment: { systemPackages: [pkgs.mangohud] },
    }),
  ]),
}));

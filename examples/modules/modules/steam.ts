/** `programs.steam`: the game store, which needs graphics. */
import { defineModule, mkEnableOption, mkIf } from "@kiln/modules";
import { pkgs } from "../pkgs.js";
import { base } from "./base.js";

export const steamOptions = defineModule({
  options: { programs: { steam: { enable: mkEnableOption("Steam") } } },
});

export const steam = defineModule<[typeof base, typeof steamOptions]>(({ config }) => ({
  imports: [base, steamOptions],
  config: mkIf(config.programs.steam.enable, {
    environment: { systemPackages: [pkgs.steam] },
    hardware: { graphics: { enable: true } },
  }),
}));

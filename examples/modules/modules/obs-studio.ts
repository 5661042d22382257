/**
 * `programs.obs-studio`, shaped like NixOS's: enable it, pick plugins, and
 * optionally load the virtual-camera kernel module.
 *
 * The options are declared in their own module so that the implementing
 * module's `config` argument is typed by them (TypeScript cannot type a
 * function's argument from its own return value).
 */
import { defineModule, mkEnableOption, mkIf, mkOption, mkPackageOption, types } from "@kiln/modules";
import { pkgs, wrapObs } from "../pkgs.js";
import { base } from "./base.js";

export const obsStudioOptions = defineModule({
  options: {
    programs: {
      "obs-studio": {
        enable: mkEnableOption("OBS Studio, the streaming and recording program"),
        package: mkPackageOption(pkgs, "obs-studio"),
        plugins: mkOption({ type: types.listOf(types.package), default: [], description: "OBS plugins to install with it." }),
        enableVirtualCamera: mkOption({ type: types.bool, default: false, description: "Load v4l2loopback so that OBS can act as a webcam." }),
      },
    },
  },
});

export const obsStudio = defineModule<[typeof base, typeof obsStudioOptions]>(({ config }) => {
  const cfg = config.programs["obs-studio"];
  return {
    imports: [base, obsStudioOptions],
    config: mkIf(cfg.enable, {
      environment: { systemPackages: [wrapObs(cfg.package, cfg.plugins)] },
      boot: { kernelModules: mkIf(cfg.enableVirtualCamera, ["v4l2loopback"]) },
    }),
  };
});

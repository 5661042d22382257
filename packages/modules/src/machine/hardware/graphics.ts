/**
 * `hardware.graphics`: hardware-accelerated graphics, NixOS's
 * `hardware.graphics` (formerly `hardware.opengl`).
 *
 * NixOS gathers its drivers into one tree that activation links at
 * `/run/opengl-driver`, where its libglvnd, Mesa, Vulkan loader, libva and
 * OpenCL ICD loader look for them. Kiln does the same with
 * `extraPackages`: one tree, `graphics-drivers`, linked at
 * `/run/opengl-driver` by the activation (`system.runtimeLinks`: replaced by
 * rename with each generation, removed by a rollback to one without it, kept
 * from the garbage collector by the generation) and, as before, at
 * `/etc/kiln/graphics-drivers`.
 *
 * Why `/run/opengl-driver` and not a path of Kiln's own: programs built by
 * nixpkgs (and host tools that know its convention) already look there, so
 * they find the same drivers; `/run` is emptied at boot, so a machine booting
 * an older generation never sees a newer one's drivers (the boot activation
 * links them again); and a Kiln machine is not a NixOS machine, which would
 * own the path.
 *
 * The tree has NixOS's layout (`lib/dri`, `lib/vdpau`, `share/vulkan/icd.d`,
 * `share/glvnd/egl_vendor.d`, `etc/OpenCL/vendors`, the drivers' libraries in
 * `lib`). Packages that are not Debian's are linked in as they are. Debian's
 * drivers (packages with an environment of their own) are made one
 * environment of their closures (`withPackages`), so a driver's own
 * libraries (Mesa's libLLVM, libdrm) are there too, and its multiarch
 * directories are linked into that layout: `usr/lib/x86_64-linux-gnu/*` into
 * `lib`, `usr/share/{vulkan,glvnd}` into `share`, `etc/OpenCL` into `etc`.
 * Debian's Vulkan manifests name their driver by its path on a Debian system
 * (`/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so`); in the tree they are
 * rewritten to name it in the tree. The wrappers of `@kiln/debian` point
 * the loaders at the tree when the host has it (see `docs/debian.md`).
 */
import { defineModule, withOptions } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { mkEnableOption } from "../../options/mk-enable-option.js";
import { lazy } from "../../properties/lazy.js";
import { mkIf } from "../../properties/mk-if.js";
import { types } from "../../types/index.js";
import type { PackageValue } from "../../types/primitive-types.js";
import { etcOptions } from "../environment/etc.js";
import { runtimeLinksOptions } from "../system/runtime-links.js";
import { machinePackageSet, type MachinePackageSet } from "../../target/package-set.js";
import { located } from "../../target/module-file.js";
import { fhsRoot, hasWithPackages, isFhsPackage } from "../fhs-package.js";
import { MachineConfigError } from "../machine-config-error.js";

const FILE = "@kiln/modules/machine/hardware/graphics.ts";

/** Where the driver packages are linked, relative to `/etc`. */
export const GRAPHICS_DRIVERS_TARGET = "kiln/graphics-drivers";

/** Where the activated machine links the drivers, as NixOS does (the wrappers of `@kiln/debian` look there). */
export const GRAPHICS_DRIVER_PATH = "/run/opengl-driver";

/** The options `hardware.graphics.enable` and `hardware.graphics.extraPackages`. */
export const graphicsOptions = defineModule({
  _file: FILE,
  options: {
    hardware: {
      graphics: {
        enable: mkEnableOption("hardware-accelerated graphics (the driver packages of `extraPackages`, linked at `/run/opengl-driver`)"),
        extraPackages: mkOption({
          type: types.listOf(types.package),
          default: [],
          description:
            "Driver packages (Vulkan ICDs, VA-API and VDPAU drivers, OpenCL runtimes…), gathered into one tree with NixOS's layout (`lib/dri`, `share/vulkan/icd.d`…) that the activation links at `/run/opengl-driver` (and `/etc/kiln/graphics-drivers`) when `hardware.graphics.enable` is set. Debian's drivers come with their libraries (their closures as one environment); every Debian program's wrapper points the loaders at the tree.",
        }),
      },
    },
  },
});

/** The shell code that links the Debian environment `root` into the tree `$out` in NixOS's layout. */
function debianLayout(root: string): string {
  return `
root=${root}
# Libraries and driver directories of every multiarch directory (usr/lib/x86_64-linux-gnu, lib/x86_64-linux-gnu).
for dir in "$root"/usr/lib/*-linux-gnu* "$root"/lib/*-linux-gnu*; do
    if [ -d "$dir" ]; then kilnLinkTree "$dir" "$out/lib" first; fi
done
for dir in vulkan glvnd; do
    if [ -d "$root/usr/share/$dir" ]; then kilnLinkTree "$root/usr/share/$dir" "$out/share/$dir" first; fi
done
if [ -d "$root/etc/OpenCL" ]; then kilnLinkTree "$root/etc/OpenCL" "$out/etc/OpenCL" first; fi
# Debian's Vulkan manifests name their library by its place on a Debian system; here it is in $out/lib.
for json in "$out"/share/vulkan/*.d/*.json; do
    if [ ! -e "$json" ]; then continue; fi
    text=$(cat "$json")
    rm "$json"
    printf '%s\\n' "$text" | sed -e "s#\\"/usr/lib/[^/\\"]*-linux-gnu[^/\\"]*/#\\"$out/lib/#g" -e "s#\\"/lib/[^/\\"]*-linux-gnu[^/\\"]*/#\\"$out/lib/#g" > "$json"
done
`;
}

/**
 * The drivers of `packages` as one tree: the packages that are not Debian's
 * linked in as they are (the first one listed wins a file), then Debian's,
 * as one environment of their closures, in NixOS's layout.
 */
export function graphicsDrivers(pkgs: MachinePackageSet, packages: readonly PackageValue[]): PackageValue {
  const debian = packages.filter(isFhsPackage);
  const others = packages.filter((value) => !isFhsPackage(value));
  let environment: PackageValue | undefined = debian[0];
  if (debian.length > 1) {
    const [first, ...rest] = debian;
    if (first === undefined || !hasWithPackages(first)) throw new MachineConfigError("hardware.graphics.extraPackages: the first Debian driver cannot make one environment with the others (it has no withPackages)");
    try {
      environment = first.withPackages(rest);
    } catch (error) {
      throw new MachineConfigError(`hardware.graphics.extraPackages: the Debian drivers must come from one input (or inputs layered over it) to make one environment: ${(error as Error).message}`, { cause: error });
    }
  }
  const root = environment !== undefined && isFhsPackage(environment) ? fhsRoot(environment) : undefined;
  return pkgs.symlinkJoin({ name: "graphics-drivers", paths: others, ...(root === undefined ? {} : { postBuild: debianLayout(root) }) });
}

/** Gathers the driver packages and links them. */
export const graphics = withOptions(graphicsOptions, etcOptions, runtimeLinksOptions).module(located(FILE, (args) => {
  const pkgs = machinePackageSet(args.pkgs);
  const cfg = args.config.hardware.graphics;
  const enabled = lazy(() => cfg.enable && cfg.extraPackages.length > 0);
  const drivers = lazy(() => graphicsDrivers(pkgs, cfg.extraPackages));
  return {
    key: FILE,
    imports: [graphicsOptions],
    config: {
      environment: {
        etc: {
          [GRAPHICS_DRIVERS_TARGET]: mkIf(enabled, { source: drivers }),
        },
      },
      system: {
        runtimeLinks: {
          [GRAPHICS_DRIVER_PATH]: mkIf(enabled, drivers),
        },
      },
    },
  };
}));

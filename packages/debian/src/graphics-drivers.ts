/**
 * The machine's graphics drivers in every Debian program's environment.
 *
 * A Kiln machine with `hardware.graphics` links its drivers at
 * `/run/opengl-driver`, in NixOS's layout (`lib/dri`, `lib/vdpau`,
 * `share/vulkan/icd.d`, `share/glvnd/egl_vendor.d`, `etc/OpenCL/vendors`,
 * their libraries in `lib`); NixOS's own loaders are patched to look there.
 * Debian's loaders look only in Debian's places, which in an environment
 * are the program's closure: so a wrapper, when the host has the directory
 * (one `test -d`, a shell builtin: no process), points each loader at it
 * after the program's own drivers, never instead of them, as nixpkgs'
 * `buildFHSEnv` lists `/run/opengl-driver/lib` after its own directories in
 * its `ld.so.conf`. The host's `/run` is already visible in the
 * environment (see `environment-mounts.ts`), and so is `/dev` (`/dev/dri`,
 * `/dev/nvidia*`).
 *
 * - Vulkan: `VK_ADD_DRIVER_FILES` adds the tree's manifests to the ones the
 *   loader finds (bookworm's loader, 1.3.239, has it; `VK_ICD_FILENAMES`
 *   would replace them);
 * - EGL (libglvnd): `__EGL_VENDOR_LIBRARY_DIRS` replaces the default
 *   directories, so it lists them first;
 * - Mesa's DRI drivers and VA-API: `LIBGL_DRIVERS_PATH` and
 *   `LIBVA_DRIVERS_PATH`, lists, the program's own `dri` directory first;
 * - VDPAU and OpenCL: `VDPAU_DRIVER_PATH` and `OCL_ICD_VENDORS` name one
 *   directory instead of the default one, so they are set only when the
 *   program's environment has no drivers of its own there;
 * - the drivers' own libraries (Mesa's libLLVM…): `LD_LIBRARY_PATH` gets the
 *   environment's library directories and then the tree's `lib`, so that
 *   the program's closure still wins every library it has.
 *
 * A variable the caller set is kept, in front. An environment's derivation
 * names the path (`graphicsDrivers`), so environments made before wrappers
 * did this are other store paths, and build roots (`copyFiles`), whose
 * programs are run by builders and not through wrappers, are left as they
 * were.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Where a machine's graphics drivers are at run time (`hardware.graphics` of `@kiln/modules` links them there). */
export const GRAPHICS_DRIVER_PATH = "/run/opengl-driver";

/** The multiarch directories below `dir` of `root` (`usr/lib` → `/usr/lib/x86_64-linux-gnu`), as absolute paths inside the environment. */
function multiarchDirs(root: string, dir: string): string[] {
  try {
    return readdirSync(join(root, dir)).filter((name) => /-linux-gnu/.test(name)).sort().map((name) => `/${dir}/${name}`);
  } catch {
    return [];
  }
}

/** The library directories of the environment at `root` that exist, as `ldconfig` is given them: the multiarch ones first. */
export function libraryDirs(root: string): string[] {
  return [...multiarchDirs(root, "lib"), ...multiarchDirs(root, "usr/lib"), "/lib", "/usr/lib"].filter((dir) => existsSync(join(root, dir)));
}

/** `NAME` set to the caller's value (else `defaults`, when there are any) followed by `added`. */
function listVariable(name: string, defaults: readonly string[], added: readonly string[]): string {
  const before = defaults.length === 0 ? `\${${name}:+\$${name}:}` : `\${${name}:-${defaults.join(":")}}:`;
  return `export ${name}="${before}${added.join(":")}"`;
}

/**
 * The wrapper lines (POSIX shell) that point the loaders of the environment
 * at `root` to the drivers at `driverPath` (a tree in NixOS's layout) when
 * the host has it.
 */
export function graphicsDriverLines(root: string, driverPath: string): string {
  const d = driverPath;
  const ownDri = multiarchDirs(root, "usr/lib").map((dir) => `${dir}/dri`);
  const has = (path: string): boolean => existsSync(join(root, path));
  const lines = [
    listVariable("LD_LIBRARY_PATH", [], [...libraryDirs(root), `${d}/lib`]),
    listVariable("VK_ADD_DRIVER_FILES", [], [`${d}/share/vulkan/icd.d`]),
    listVariable("__EGL_VENDOR_LIBRARY_DIRS", ["/etc/glvnd/egl_vendor.d", "/usr/share/glvnd/egl_vendor.d"], [`${d}/share/glvnd/egl_vendor.d`]),
    listVariable("LIBGL_DRIVERS_PATH", ownDri, [`${d}/lib/dri`]),
    listVariable("LIBVA_DRIVERS_PATH", ownDri, [`${d}/lib/dri`]),
  ];
  if (!multiarchDirs(root, "usr/lib").some((dir) => has(`${dir}/vdpau`))) lines.push(`export VDPAU_DRIVER_PATH="\${VDPAU_DRIVER_PATH:-${d}/lib/vdpau}"`);
  if (!has("etc/OpenCL/vendors")) lines.push(`export OCL_ICD_VENDORS="\${OCL_ICD_VENDORS:-${d}/etc/OpenCL/vendors}"`);
  return `if [ -d ${d} ]; then\n${lines.map((line) => `  ${line}\n`).join("")}fi\n`;
}

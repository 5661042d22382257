/**
 * `hardware.graphics` with Debian's drivers, for every Debian program: a
 * machine whose `extraPackages` is Debian's `mesa-vulkan-drivers` and whose
 * `environment.systemPackages` has `vulkan-tools` is switched into a
 * `--root` with the real `kiln`; the activation links the drivers at
 * `ROOT/run/opengl-driver`. Then, in a private mount namespace whose `/run`
 * is the test's own (so the host's is left alone), the link's target is
 * bound at `/run/opengl-driver`, where the machine itself would have it, and
 * `vulkaninfo --summary` runs through vulkan-tools' wrapper: it finds
 * Mesa's lavapipe (`llvmpipe`, a CPU device, so no GPU is needed) through
 * the driver tree's manifest, with the driver's libLLVM from the tree.
 * Without the tree the same command finds no driver at all: vulkan-tools'
 * closure has none (libvulkan1 only recommends one), so the device comes
 * from the machine's drivers.
 *
 * Switching to a generation without `hardware.graphics` removes the link,
 * and rolling back puts it back, the generation keeping its target from the
 * garbage collector.
 */
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBubblewrap } from "@kiln/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEBIAN_CACHE, cacheDebianDownloads, debianArchiveUnavailable } from "./debian-cache.js";
import { runKiln } from "./run-kiln.js";

const bwrapWorks = findBubblewrap() !== undefined && spawnSync("bwrap", ["--ro-bind", "/", "/", "true"]).status === 0;
const unavailable = await debianArchiveUnavailable();
const skip = unavailable ?? (!bwrapWorks ? "bubblewrap cannot create namespaces here" : undefined);
if (skip !== undefined) console.warn(`skipping the Debian graphics drivers test: ${skip}`);

/**
 * Runs `program ARGS…` in a mount namespace whose `/run` is empty, with
 * `drivers` (when given) bound at `/run/opengl-driver`; the loader says which
 * manifests it finds and which drivers it loads.
 */
function runWithDrivers(drivers: string | undefined, program: string, args: readonly string[]): { status: number | null; output: string } {
  const bind = drivers === undefined ? [] : ["--ro-bind", drivers, "/run/opengl-driver"];
  const capabilities = process.getuid?.() === 0 ? ["--cap-add", "ALL"] : [];
  const result = spawnSync("bwrap", ["--dev-bind", "/", "/", "--tmpfs", "/run", ...bind, ...capabilities, "--die-with-parent", "--", program, ...args], {
    encoding: "utf8",
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: tmpdir(), VK_LOADER_DEBUG: "driver" },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe.skipIf(skip !== undefined)("Debian programs find the machine's graphics drivers", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const root = (): string => join(dir, "root");
  const driverLink = (): string => join(root(), "run/opengl-driver");
  const system = (): string => realpathSync(join(root(), "var/lib/kiln/profiles/system"));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kiln-debian-graphics-"));
    env = { KILN_STORE_DIR: join(dir, "store"), KILN_STATE_DIR: join(dir, "state"), KILN_HASHED_MIRRORS: DEBIAN_CACHE };
    mkdirSync(join(dir, "project"));
    writeFileSync(
      join(dir, "project/kiln.ts"),
      [
        'import { debian } from "@kiln/debian";',
        'import { defineMachine } from "@kiln/modules";',
        'import { defaultPackageSet } from "@kiln/pkgs";',
        "",
        "const pkgs = defaultPackageSet();",
        'const deb = await debian({ suite: "bookworm", essential: false });',
        "const box = (graphics: boolean) =>",
        "  defineMachine({",
        "    pkgs,",
        "    modules: [{",
        '      networking: { hostName: "box" },',
        '      environment: { systemPackages: [deb["vulkan-tools"]] },',
        '      hardware: { graphics: { enable: graphics, extraPackages: [deb["mesa-vulkan-drivers"]] } },',
        "    }],",
        "  });",
        "",
        "export default { machines: { gpu: box(true), plain: box(false) } };",
        "",
      ].join("\n"),
    );
  });
  afterAll(() => {
    cacheDebianDownloads(join(dir, "store"));
    rmSync(dir, { recursive: true, force: true });
  });

  it("links the drivers at /run/opengl-driver on switch, where vulkaninfo through its wrapper finds lavapipe; without them it finds no driver", () => {
    const project = join(dir, "project");
    const switched = runKiln(["switch", "--machine", "gpu", "--root", root()], project, env);
    expect(switched.stderr).toMatch(/run-time links: \/run\/opengl-driver -> \S+-graphics-drivers/);
    expect(switched.status).toBe(0);
    expect(lstatSync(driverLink()).isSymbolicLink()).toBe(true);
    const drivers = readlinkSync(driverLink());
    expect(drivers).toMatch(/-graphics-drivers$/);
    // The tree has NixOS's layout; Debian's manifest names the driver in the tree, whose libLLVM is beside it.
    const manifest = JSON.parse(readFileSync(join(drivers, "share/vulkan/icd.d/lvp_icd.x86_64.json"), "utf8")) as { ICD: { library_path: string } };
    expect(manifest.ICD.library_path).toBe(`${drivers}/lib/libvulkan_lvp.so`);
    expect(existsSync(manifest.ICD.library_path)).toBe(true);
    expect(existsSync(join(drivers, "lib/libLLVM-15.so.1"))).toBe(true);
    // The generation names it, so it is one of its references: a root for the garbage collector.
    expect(readFileSync(join(system(), "kiln-activation.json"), "utf8")).toContain(`"/run/opengl-driver": "${drivers}"`);

    const vulkaninfo = join(system(), "sw/bin/vulkaninfo");
    const found = runWithDrivers(drivers, vulkaninfo, ["--summary"]);
    expect(found.output).toMatch(/deviceName\s*=\s*llvmpipe/);
    expect(found.output).toContain("/run/opengl-driver/share/vulkan/icd.d/lvp_icd.x86_64.json");
    expect(found.status).toBe(0);

    const none = runWithDrivers(undefined, vulkaninfo, ["--summary"]);
    expect(none.output).not.toMatch(/llvmpipe/);
    expect(none.output).toMatch(/Found no drivers|ERROR_INCOMPATIBLE_DRIVER|Cannot create Vulkan instance/);
    expect(none.status).not.toBe(0);
  }, 600_000);

  it("removes the link when a generation without hardware.graphics is activated, and a rollback puts it back", () => {
    const project = join(dir, "project");
    const drivers = readlinkSync(driverLink());
    const plain = runKiln(["switch", "--machine", "plain", "--root", root()], project, env);
    expect(plain.stderr).toMatch(/run-time links: removed \/run\/opengl-driver/);
    expect(plain.status).toBe(0);
    expect(existsSync(driverLink()) || lstatSync(driverLink(), { throwIfNoEntry: false }) !== undefined).toBe(false);
    expect(runKiln(["rollback", "--root", root()], project, env).status).toBe(0);
    expect(readlinkSync(driverLink())).toBe(drivers);
    expect(runKiln(["gc"], project, env).status).toBe(0);
    expect(existsSync(join(drivers, "lib/libvulkan_lvp.so"))).toBe(true);
  }, 300_000);
});

/** The modules example: one shared module, two machines, and the differences between them. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDerivationGraph, LocalRealiser, LocalStore, setStoreDir, targetsOf } from "@kiln/core";
import { describe, expect, it } from "vitest";

const packageNames = (packages: readonly unknown[]): string[] => packages.map((item) => (item as { name: string }).name).sort();

describe("examples/modules", async () => {
  const root = mkdtempSync(join(tmpdir(), "kiln-example-modules-"));
  setStoreDir(join(root, "store"));
  const { machines, toplevel } = await import("./kiln.js");
  const { studio, pocket } = machines;

  it("evaluates both machines from the shared module, each with its own settings", () => {
    expect(studio.config.networking.hostName).toBe("studio");
    expect(pocket.config.networking.hostName).toBe("pocket");
    expect(studio.config.programs["obs-studio"].enable).toBe(true);
    expect(pocket.config.programs["obs-studio"].enable).toBe(true);
    expect(studio.config.programs.steam.enable).toBe(true);
    expect(pocket.config.programs.steam.enable).toBe(false);
  });

  it("shows the differences: plugins and virtual camera, gaming, hardware", () => {
    expect(packageNames(studio.config.programs["obs-studio"].plugins)).toEqual(["obs-backgroundremoval", "obs-pipewire-audio-capture", "obs-vkcapture"]);
    // mkDefault(true) in the shared module; the laptop's mkForce(false) wins.
    expect(studio.config.programs["obs-studio"].enableVirtualCamera).toBe(true);
    expect(pocket.config.programs["obs-studio"].enableVirtualCamera).toBe(false);
    expect(studio.config.boot.kernelModules).toEqual(["v4l2loopback", "nvidia", "nvidia_uvm"]);
    expect(pocket.config.boot.kernelModules).toEqual(["iwlwifi"]);
    expect(studio.config.hardware.graphics).toEqual({ enable: true, driver: "nvidia" });
    expect(pocket.config.hardware.graphics).toEqual({ enable: false, driver: "intel" });
    expect(packageNames(studio.config.environment.systemPackages)).toEqual(["htop", "mangohud", "obs-studio-with-plugins", "steam"]);
    expect(packageNames(pocket.config.environment.systemPackages)).toEqual(["htop", "obs-studio-with-plugins"]);
  });

  it("knows where each option is declared and defined", () => {
    const options = studio.options as { programs: { "obs-studio": { enableVirtualCamera: { declarations: string[]; files: string[] } } } };
    expect(options.programs["obs-studio"].enableVirtualCamera.declarations.some((file) => file.includes("examples/modules/modules/obs-studio.ts"))).toBe(true);
    expect(options.programs["obs-studio"].enableVirtualCamera.files.some((file) => file.includes("examples/modules/modules/my.ts"))).toBe(true);
  });

  it("builds the streaming machine with the local realiser", async () => {
    const store = LocalStore.open({ storeDir: join(root, "store"), stateDir: join(root, "state") });
    try {
      const realiser = new LocalRealiser({ store, sandbox: false });
      const result = await realiser.realise(buildDerivationGraph([toplevel.studio]), targetsOf([toplevel.studio]));
      expect(result.failed).toEqual([]);
      const out = toplevel.studio.outputs.out.path;
      expect(readdirSync(join(out, "bin")).sort()).toEqual(["htop", "mangohud", "obs-studio", "steam"]);
      expect(readFileSync(join(out, "etc", "kernel-modules"), "utf8")).toBe("v4l2loopback nvidia nvidia_uvm\n");
      expect(toplevel.pocket.drvPath).not.toBe(toplevel.studio.drvPath);
    } finally {
      store.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

/**
 * Run-time links (`runtimeLinks` of the manifest, e.g. `/run/opengl-driver`):
 * made in the root's `/run` on activation, replaced by the next generation's
 * target, removed when a generation without them is activated, put back when
 * an activation fails, and never made over something that is not a link.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { activate, ActivationConflictError, ActivationError, ActivationManifestError, activeGeneration, machineTarget } from "@kiln/activation";
import { scratch, storeFile, toplevel } from "./activation-fixture.js";

function linkAt(path: string): string | undefined {
  return lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() === true ? readlinkSync(path) : undefined;
}

describe("run-time links", () => {
  test("a generation's link is made, replaced by the next one's target, and removed by a generation without it", () => {
    const store = scratch("store");
    const root = scratch("root");
    const first = storeFile(store, "drivers-1", "one");
    const second = storeFile(store, "drivers-2", "two");
    const report = activate(toplevel(store, { runtimeLinks: { "/run/opengl-driver": first } }), machineTarget(root));
    expect(report.runtimeLinks).toEqual([{ path: "/run/opengl-driver", target: first }]);
    expect(linkAt(join(root, "run/opengl-driver"))).toBe(first);
    activate(toplevel(store, { runtimeLinks: { "/run/opengl-driver": second } }), machineTarget(root));
    expect(linkAt(join(root, "run/opengl-driver"))).toBe(second);
    // Replaced by rename: no temporary is left beside it.
    expect(readdirSync(join(root, "run"))).toEqual(["opengl-driver"]);
    const without = activate(toplevel(store, {}), machineTarget(root));
    expect(without.runtimeLinks).toEqual([{ path: "/run/opengl-driver", target: undefined }]);
    expect(linkAt(join(root, "run/opengl-driver"))).toBeUndefined();
  });

  test("a failed activation puts the previous generation's link back", () => {
    const store = scratch("store");
    const root = scratch("root");
    const first = storeFile(store, "drivers-1", "one");
    const good = toplevel(store, { runtimeLinks: { "/run/opengl-driver": first } });
    activate(good, machineTarget(root));
    const failing = toplevel(store, { runtimeLinks: { "/run/opengl-driver": storeFile(store, "drivers-2", "two"), "/run/other": first }, scripts: { fail: "exit 3" } });
    expect(() => activate(failing, machineTarget(root))).toThrow(ActivationError);
    expect(linkAt(join(root, "run/opengl-driver"))).toBe(first);
    expect(existsSync(join(root, "run/other"))).toBe(false);
    expect(activeGeneration(machineTarget(root))).toBe(good);
  });

  test("a directory where a link goes is not replaced: the activation is refused before any change", () => {
    const store = scratch("store");
    const root = scratch("root");
    mkdirSync(join(root, "run/opengl-driver"), { recursive: true });
    const system = toplevel(store, { runtimeLinks: { "/run/opengl-driver": storeFile(store, "drivers", "one") } });
    expect(() => activate(system, machineTarget(root))).toThrow(ActivationConflictError);
    expect(lstatSync(join(root, "run/opengl-driver")).isDirectory()).toBe(true);
    expect(activeGeneration(machineTarget(root))).toBeUndefined();
  });

  test("a manifest whose link is not below /run is refused", () => {
    const store = scratch("store");
    const root = scratch("root");
    for (const path of ["/etc/opengl-driver", "/run/../etc/passwd", "/run//x", "run/x"]) {
      const system = toplevel(store, { runtimeLinks: { [path]: storeFile(store, "drivers", "one") } });
      expect(() => activate(system, machineTarget(root))).toThrow(ActivationManifestError);
    }
    expect(existsSync(join(root, "run"))).toBe(false);
  });
});

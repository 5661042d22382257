import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isKilnPackageFile } from "./source-location.js";

const packagesDir = fileURLToPath(new URL("../../../", import.meta.url));
const repo = join(packagesDir, "..");
const kilnPackages = readdirSync(packagesDir).filter((name) => {
  const manifest = join(packagesDir, name, "package.json");
  return existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name?.startsWith("@kiln/") === true;
});

describe("which files are Kiln's own code", () => {
  it("counts every @kiln package of the workspace as Kiln's own, so that an error thrown in one is blamed on the user's line that called it", () => {
    expect(kilnPackages).toEqual(expect.arrayContaining(["cli", "config", "core", "debian", "formats", "modules", "pkgs", "store"]));
    for (const name of kilnPackages) {
      expect({ name, own: isKilnPackageFile(join(packagesDir, name, "src", "index.ts")) }).toEqual({ name, own: true });
    }
  });

  it("does not count a user's files, an example's among them", () => {
    expect(isKilnPackageFile(join(repo, "examples", "hello", "kiln.ts"))).toBe(false);
  });
});

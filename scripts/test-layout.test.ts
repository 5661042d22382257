/**
 * Where tests live, checked over the repository (docs/architecture.md,
 * "Where tests live"): a test beside code is named after the one file whose
 * concept it tests (`x.test.ts` next to `x.ts`); every other test of a
 * package is in its `test/` folder, at the top or in a folder named after
 * the `src/` folder it exercises.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const packagesDir = join(root, "packages");
const packages = readdirSync(packagesDir).filter((name) => existsSync(join(packagesDir, name, "package.json")));

/** Every file below `directory` whose name ends with `suffix`, skipping installed and built trees. */
function filesBelow(directory: string, suffix: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === "node_modules" || entry.name === "dist") return [];
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return filesBelow(path, suffix);
    return entry.name.endsWith(suffix) ? [path] : [];
  });
}

describe("where tests live", () => {
  it("a test beside code has the file it tests next to it", () => {
    const orphans = packages.flatMap((name) =>
      filesBelow(join(packagesDir, name, "src"), ".test.ts").filter((test) => !existsSync(test.replace(/\.test\.ts$/, ".ts"))),
    );
    expect(orphans.map((test) => relative(root, test))).toEqual([]);
  });

  it("a test in a package's test/ folder sits at its top or in a folder named after a src/ folder", () => {
    const misplaced = packages.flatMap((name) => {
      const testDir = join(packagesDir, name, "test");
      return filesBelow(testDir, ".test.ts").filter((test) => {
        const folder = relative(testDir, dirname(test));
        if (folder === "") return false;
        const source = join(packagesDir, name, "src", folder);
        return !(existsSync(source) && statSync(source).isDirectory());
      });
    });
    expect(misplaced.map((test) => relative(root, test))).toEqual([]);
  });

  it("tests are only in src/ and test/ of a package", () => {
    const elsewhere = packages.flatMap((name) =>
      filesBelow(join(packagesDir, name), ".test.ts").filter((test) => {
        const top = relative(join(packagesDir, name), test).split("/")[0];
        return top !== "src" && top !== "test";
      }),
    );
    expect(elsewhere.map((test) => relative(root, test))).toEqual([]);
  });
});

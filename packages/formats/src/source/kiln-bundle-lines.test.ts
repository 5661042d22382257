import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isKilnBundle, kilnBundleSource } from "./kiln-bundle-lines.js";

const dir = mkdtempSync(join(tmpdir(), "kiln-bundle-lines-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("kilnBundleSource", () => {
  it("names the original file of each line of a registered Kiln bundle, and nothing for other files", () => {
    const bundle = join(dir, "bundle", "kiln.cjs");
    const table = join(dir, "bundle", "kiln.files.json");
    mkdirSync(join(dir, "bundle"));
    writeFileSync(table, JSON.stringify({ files: ["../core/src/a.ts", "../pkgs/src/b.ts"], lines: [3, 0, 10, 1, 20, 0] }));
    const key = Symbol.for("kiln.code-bundles");
    const holder = globalThis as { [key: symbol]: unknown };
    const before = holder[key];
    holder[key] = new Map([[bundle, table]]);
    try {
      expect(isKilnBundle(bundle)).toBe(true);
      expect(kilnBundleSource(bundle, 2)).toBeUndefined();
      expect(kilnBundleSource(bundle, 3)).toBe(join(dir, "core", "src", "a.ts"));
      expect(kilnBundleSource(bundle, 15)).toBe(join(dir, "pkgs", "src", "b.ts"));
      expect(kilnBundleSource(bundle, 500)).toBe(join(dir, "core", "src", "a.ts"));
      expect(kilnBundleSource(join(dir, "other.js"), 5)).toBeUndefined();
    } finally {
      holder[key] = before;
    }
  });
});

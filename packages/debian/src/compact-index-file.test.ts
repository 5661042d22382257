import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readCompactIndex } from "./compact-index-file.js";
import { deserialiseIndex, serialiseIndex, type IndexPackage } from "./package-index.js";

const dir = mkdtempSync(join(tmpdir(), "kiln-compact-index-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function entry(index: number, description: string): IndexPackage {
  const name = `package-${index}`;
  return { name, version: `1.${index}-1`, architecture: "amd64", filename: `pool/main/p/${name}/${name}_1.${index}-1_amd64.deb`, size: index, sha256: index.toString(16).padStart(64, "0"), depends: "libc6 (>= 2.34)", preDepends: "", provides: "", essential: false, priority: "optional", description };
}

function written(packages: readonly IndexPackage[]): string {
  const file = join(dir, `index-${packages.length}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, serialiseIndex(packages));
  return file;
}

describe("reading a compact index file", () => {
  it("gives every package as a UTF-8 reading would, characters beyond ASCII and beyond Latin-1 included, wherever their rows fall", () => {
    // 3,000 rows of ~200 bytes: the file spans several of the stretches checked at once, and rows cross their ends.
    const packages = Array.from({ length: 3000 }, (_, index) => entry(index, `plain description number ${index} `.padEnd(60, "x")));
    for (const [index, description] of [
      [0, "première ligne, café"],
      [1, "’quoted’ — dash, and 日本語"],
      [327, "emoji 🙂 beyond the basic plane"],
      [328, "naïve"],
      [1500, "Grüße aus Köln"],
      [2999, "the last row: ½ and “quotes”"],
    ] as const) {
      packages[index] = entry(index, description);
    }
    // A row with bytes beyond ASCII in a field other than the description.
    packages[2000] = { ...entry(2000, "plain"), depends: "libfoo (>= 1.0~ß)" };
    const file = written(packages);
    const read = readCompactIndex(file);
    expect(read).toEqual(packages);
    expect(read).toEqual(deserialiseIndex(serialiseIndex(packages), file));
    expect(read[1]?.description).toBe("’quoted’ — dash, and 日本語");
    expect(read[2000]?.depends).toBe("libfoo (>= 1.0~ß)");
  });

  it("reads a file of ASCII only, and one of a single package", () => {
    const ascii = Array.from({ length: 50 }, (_, index) => entry(index, `description ${index}`));
    expect(readCompactIndex(written(ascii))).toEqual(ascii);
    const single = [entry(7, "seul, à part")];
    expect(readCompactIndex(written(single))).toEqual(single);
  });

  it("refuses a file that is not a compact index, naming it", () => {
    const file = join(dir, "not-an-index");
    writeFileSync(file, "Package: htop\nVersion: 3.2.2-2\n");
    expect(() => readCompactIndex(file)).toThrow(/not-an-index' is not a compact Debian index/);
  });
});

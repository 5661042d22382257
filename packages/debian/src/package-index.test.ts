import { describe, expect, it } from "vitest";
import { PackageIndex, type IndexPackage } from "./package-index.js";

function entry(name: string, version: string, essential = false): IndexPackage {
  return { name, version, architecture: "amd64", filename: `pool/main/${name}_${version}_amd64.deb`, size: 1, sha256: "0".repeat(64), depends: "", preDepends: "", provides: "", essential, priority: "optional", description: `${name} itself` };
}

describe("PackageIndex", () => {
  const index = new PackageIndex([entry("zsh", "5.9-4", false), entry("dash", "0.5.12-2", true), entry("bash", "5.2.15-2", true), entry("bash", "5.2.15-2+b9", true), entry("coreutils", "9.1-1", true)]);

  it("lists every name once, sorted, and the Essential packages in their newest versions, the same each time it is asked", () => {
    expect(index.names()).toEqual(["bash", "coreutils", "dash", "zsh"]);
    expect(index.essential().map((p) => `${p.name} ${p.version}`)).toEqual(["bash 5.2.15-2+b9", "coreutils 9.1-1", "dash 0.5.12-2"]);
    // Asked again (every package's closure asks), the answers are the same.
    expect(index.names()).toEqual(["bash", "coreutils", "dash", "zsh"]);
    expect(index.essential().map((p) => p.name)).toEqual(["bash", "coreutils", "dash"]);
  });

  it("hands out lists of its own, so that a caller changing one changes nothing for the next", () => {
    const names = index.names();
    names.length = 0;
    const essential = index.essential();
    essential.pop();
    expect(index.names()).toEqual(["bash", "coreutils", "dash", "zsh"]);
    expect(index.essential()).toHaveLength(3);
    expect(index.search("zsh").map((p) => p.name)).toEqual(["zsh"]);
  });
});

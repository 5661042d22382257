import { describe, expect, it } from "vitest";
import { DebianLockError } from "./debian-errors.js";
import type { LockFile, LockedDebianInput } from "./lock-file.js";
import { loadLockedLayers, lockedLayerNames, topInputs } from "./locked-layers.js";
import { PackageIndex, type IndexPackage } from "./package-index.js";

const input = (suite: string, base?: string): LockedDebianInput => ({ type: "debian", suite, architecture: "amd64", components: ["main"], date: "Sat, 11 Jul 2026 10:16:37 UTC", indexes: [], ...(base !== undefined ? { base } : {}) });

const entry = (name: string, version: string): IndexPackage => ({ name, version, architecture: "amd64", filename: `pool/${name}_${version}.deb`, size: 1, sha256: "0".repeat(64), depends: "", preDepends: "", provides: "", essential: false, priority: "optional", description: name });

describe("the layers a lock records", () => {
  const lock: LockFile = { version: 1, inputs: { bookworm: input("bookworm"), updates: input("bookworm-updates", "bookworm"), backports: input("bookworm-backports", "updates") } };

  it("go from an input down through each base", () => {
    expect(lockedLayerNames(lock, "backports", "kiln.lock")).toEqual(["backports", "updates", "bookworm"]);
    expect(lockedLayerNames(lock, "bookworm", "kiln.lock")).toEqual(["bookworm"]);
  });

  it("start from the inputs no other is layered over", () => {
    expect(topInputs(lock)).toEqual(["backports"]);
    expect(topInputs({ version: 1, inputs: { a: input("a"), b: input("b") } })).toEqual(["a", "b"]);
  });

  it("refuse a base the lock lacks, and layers in a circle, naming the inputs", () => {
    expect(() => lockedLayerNames({ version: 1, inputs: { backports: input("bookworm-backports", "bookworm") } }, "backports", "kiln.lock")).toThrow(
      new DebianLockError("'kiln.lock': input 'backports' is layered over 'bookworm', which the lock does not have; run 'kiln update' to lock it"),
    );
    expect(() => lockedLayerNames({ version: 1, inputs: { a: input("a", "b"), b: input("b", "a") } }, "a", "kiln.lock")).toThrow(/the inputs 'a' over 'b' over 'a' are layered over each other in a circle/);
    expect(() => lockedLayerNames(lock, "sid", "kiln.lock")).toThrow(/has no input 'sid'; it has backports, bookworm, updates/);
  });

  it("resolve over every layer, the newest version winning, and tell which layer lists each package", async () => {
    const indexes = new Map([
      [lock.inputs["bookworm"], new PackageIndex([entry("tmux", "3.3a-3"), entry("jq", "1.6-2.1")])],
      [lock.inputs["updates"], new PackageIndex([])],
      [lock.inputs["backports"], new PackageIndex([entry("tmux", "3.5a-3~bpo12+1")])],
    ]);
    const layers = await loadLockedLayers(lock, "backports", "kiln.lock", async (locked) => indexes.get(locked) as PackageIndex);
    expect(layers.inputs).toEqual(["backports", "updates", "bookworm"]);
    expect(layers.index.search("tmux").map((hit) => [hit.version, layers.layerOf(hit)])).toEqual([["3.5a-3~bpo12+1", "backports"]]);
    expect(layers.layerOf(layers.index.get("jq") as IndexPackage)).toBe("bookworm");
  });
});

// The registry of store paths that strings carry as context: found by the whole
// hash part, even where two hash parts begin alike and share a registry key.
import { describe, expect, it } from "vitest";
import { CompactMap } from "./compact-map.js";
import { getStringContext, lookupContextEntries, lookupContextEntry, registerContextEntry, TWIN_MARK, type ContextDerivation } from "./context.js";

// A store of this test's own: the registry is per store directory.
const storeDir = "/kiln-test/context-registry";
// Two hash parts with the same first 6 characters (what the registry keys by), and a third that differs only at the end.
const first = `${storeDir}/abcdfg00000000000000000000000000-first`;
const second = `${storeDir}/abcdfg11111111111111111111111111-second`;
const third = `${storeDir}/abcdfg1111111111111111111111111z-third`;

function fakeDerivation(drvPath: string): ContextDerivation {
  const empty = CompactMap.of(new Map<string, never>());
  return { drvPath, drv: { outputs: empty, inputDrvs: empty, inputSrcs: [], system: "x", builder: "/bin/sh", args: [], env: empty }, hashModulo: new Map() };
}

describe("the context registry", () => {
  it("tells apart store paths whose hash parts begin with the same characters", () => {
    for (const path of [first, second, third]) registerContextEntry({ kind: "source", path, references: [], origin: { kind: "text", text: path } }, storeDir);
    expect(lookupContextEntry(first, storeDir)?.path).toBe(first);
    expect(lookupContextEntry(second, storeDir)?.path).toBe(second);
    expect(lookupContextEntry(`${third}/bin/x`, storeDir)?.path).toBe(third);
    expect(lookupContextEntries(second, storeDir).map((entry) => entry.path)).toEqual([second]);
    expect(lookupContextEntry(`${storeDir}/abcdfg22222222222222222222222222-none`, storeDir)).toBeUndefined();
    // Cut short, a hash part matches nothing.
    expect(lookupContextEntry(`${storeDir}/abcdfg0000`, storeDir)).toBeUndefined();
    expect(Object.keys(getStringContext(`${second}/bin and ${first} but not ${storeDir}/abcdfg0000`, storeDir)).sort()).toEqual([first, second].sort());
  });

  it("counts twin marks among the entries at the same path only, not among others at the same key", () => {
    const twinPath = `${storeDir}/qqqqqq00000000000000000000000000-twin`;
    const neighbour = `${storeDir}/qqqqqq00000000000000000000000001-neighbour`;
    const one = fakeDerivation(`${storeDir}/00000000000000000000000000000000-one.drv`);
    const two = fakeDerivation(`${storeDir}/00000000000000000000000000000001-two.drv`);
    expect(registerContextEntry({ kind: "output", path: twinPath, derivation: one, output: "out" }, storeDir)).toBe("");
    expect(registerContextEntry({ kind: "source", path: neighbour, references: [], origin: { kind: "text", text: "" } }, storeDir)).toBe("");
    expect(registerContextEntry({ kind: "output", path: twinPath, derivation: two, output: "out" }, storeDir)).toBe(TWIN_MARK);
    // Registering the first again changes nothing: it stays first.
    expect(registerContextEntry({ kind: "output", path: twinPath, derivation: one, output: "out" }, storeDir)).toBe("");
    expect(lookupContextEntries(twinPath, storeDir).map((entry) => (entry.kind === "output" ? entry.derivation.drvPath : entry.path))).toEqual([one.drvPath, two.drvPath]);
    expect(Object.keys(getStringContext(`${TWIN_MARK}${twinPath}`, storeDir))).toEqual([two.drvPath]);
    expect(Object.keys(getStringContext(twinPath, storeDir))).toEqual([one.drvPath]);
    expect(lookupContextEntry(neighbour, storeDir)?.path).toBe(neighbour);
  });
});

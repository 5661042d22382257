import { beforeAll, describe, expect, it } from "vitest";
import { setStoreDir } from "../store/current-store-dir.js";
import { parseAterm, AtermParseError } from "./aterm-parser.js";
import { derivation, type Derivation } from "./derivation.js";
import type { Drv } from "./drv.js";
import { DerivationHasher, MissingDerivationError } from "./hash-modulo.js";

beforeAll(() => setStoreDir("/nix/store"));

describe("DerivationHasher", () => {
  it("hashes .drv files read back from text exactly as derivation() did, for a 3,000-long chain", () => {
    const chain: Derivation[] = [];
    for (let i = 0; i < 3000; i++) {
      chain.push(derivation({ name: `link-${i}`, system: "x86_64-linux", builder: "/bin/sh", previous: i === 0 ? "" : `${chain[i - 1]}` }));
    }
    // Parse every .drv from its text, as a store would hold it, and hash the last one from scratch.
    const parsed = new Map<string, Drv>(chain.map((d) => [d.drvPath, parseAterm(d.aterm, d.drvPath)]));
    const hasher = new DerivationHasher((drvPath) => parsed.get(drvPath));
    const last = chain[chain.length - 1] as Derivation;
    expect(hasher.hashModulo(last.drvPath).get("out")?.toBase16()).toBe(last.hashModulo.get("out")?.toBase16());
  });

  it("a missing input is an error naming it", () => {
    const dep = derivation({ name: "gone", system: "x86_64-linux", builder: "/bin/sh" });
    const user = derivation({ name: "user-of-gone", system: "x86_64-linux", builder: "/bin/sh", dep: `${dep}` });
    const hasher = new DerivationHasher((drvPath) => (drvPath === user.drvPath ? user.drv : undefined));
    expect(() => hasher.hashModulo(user.drvPath)).toThrow(MissingDerivationError);
    expect(() => hasher.hashModulo(user.drvPath)).toThrow(dep.drvPath);
  });
});

describe("the ATerm parser", () => {
  it.each([
    ["not a derivation", "Hello"],
    ["a truncated string", 'Derive([("out","/nix/store/x'],
    ["trailing text", 'Derive([],[],[],"x","y",[],[])junk'],
    ["a duplicate output", 'Derive([("out","","",""),("out","","","")],[],[],"x","y",[],[])'],
  ])("refuses %s", (_label, text) => {
    expect(() => parseAterm(text, "test.drv")).toThrow(AtermParseError);
  });

  it("names the source and offset of an error", () => {
    expect(() => parseAterm("Derive(x", "/nix/store/abc-x.drv")).toThrow("/nix/store/abc-x.drv: expected '[' at offset 7");
  });
});

describe("the hash modulo of a derivation that is not fixed-output", () => {
  it("gives every output the same hash and reads like a Map of them, and nothing for other names", () => {
    const multi = derivation({ name: "multi", system: "x86_64-linux", builder: "/bin/sh", outputs: ["out", "dev", "lib"] });
    const hashes = multi.hashModulo;
    const hex = hashes.get("out")?.toBase16();
    expect(hex).toMatch(/^[0-9a-f]{64}$/);
    expect(hashes.size).toBe(3);
    expect([...hashes.keys()].sort()).toEqual(["dev", "lib", "out"]);
    expect([...hashes].map(([name, hash]) => `${name}:${hash.toBase16()}`).sort()).toEqual(["dev", "lib", "out"].map((name) => `${name}:${hex}`));
    expect([...hashes.values()].every((hash) => hash.toBase16() === hex)).toBe(true);
    const seen: string[] = [];
    hashes.forEach((hash, name) => seen.push(`${name}:${hash.toBase16() === hex}`));
    expect(seen.sort()).toEqual(["dev:true", "lib:true", "out:true"]);
    expect(hashes.get("bin")).toBeUndefined();
    expect(hashes.has("dev") && !hashes.has("bin")).toBe(true);
  });
});

// A derivation (or one of its outputs) passed as an attribute adds its
// context directly instead of having its path scanned: the result must be
// exactly what interpolating its path gives, twins and copies included.
import { beforeAll, describe, expect, it } from "vitest";
import { setStoreDir } from "../../src/store/current-store-dir.js";
import { derivation } from "../../src/derivation/derivation.js";

const system = "x86_64-linux";
const hash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

beforeAll(() => setStoreDir("/nix/store"));

describe("a derivation passed as a value depends on what its path would", () => {
  // Made once the store directory is set, inside the tests.
  const makeLib = () => derivation({ name: "lib", system, builder: "/bin/sh", outputs: ["out", "dev"] });

  it("a derivation and its interpolated path give the same .drv (its first output)", () => {
    const lib = makeLib();
    const asValue = derivation({ name: "user", system, builder: "/bin/sh", deps: [lib] });
    const asString = derivation({ name: "user", system, builder: "/bin/sh", deps: `${lib}` });
    expect(asValue.drvPath).toBe(asString.drvPath);
    expect([...asValue.drv.inputDrvs]).toEqual([[lib.drvPath, ["out"]]]);
  });

  it("an output and its interpolated path give the same .drv (that output only)", () => {
    const lib = makeLib();
    const asValue = derivation({ name: "user", system, builder: "/bin/sh", dev: lib.outputs.dev });
    const asString = derivation({ name: "user", system, builder: "/bin/sh", dev: `${lib.outputs.dev}` });
    expect(asValue.drvPath).toBe(asString.drvPath);
    expect([...asValue.drv.inputDrvs]).toEqual([[lib.drvPath, ["dev"]]]);
  });

  it("of two fixed-output twins (one output path), the one passed is the input", () => {
    const flat = derivation({ name: "empty", system, builder: "/bin/sh", outputHash: hash });
    const twin = derivation({ name: "empty", system, builder: "/bin/other", outputHash: hash });
    const asValue = derivation({ name: "user", system, builder: "/bin/sh", src: twin });
    const asString = derivation({ name: "user", system, builder: "/bin/sh", src: `${twin}` });
    expect([...asValue.drv.inputDrvs.keys()]).toEqual([twin.drvPath]);
    expect(asValue.drvPath).toBe(asString.drvPath);
    expect(asValue.drv.env.get("src")).toBe(flat.outputs.out.path);
  });

  it("a copy whose outPath was replaced depends on the replacement, not on the derivation it was copied from", () => {
    const lib = makeLib();
    const other = derivation({ name: "other", system, builder: "/bin/sh" });
    const copy = Object.defineProperty(Object.assign(Object.create(Object.getPrototypeOf(lib) as object) as object, lib), "outPath", { value: other.outPath });
    const user = derivation({ name: "user", system, builder: "/bin/sh", dep: copy as { outPath: string } });
    expect([...user.drv.inputDrvs.keys()]).toEqual([other.drvPath]);
  });

  it("structured attributes take a derivation's context as its interpolated path does", () => {
    const lib = makeLib();
    const asValue = derivation({ name: "user", system, builder: "/bin/sh", __structuredAttrs: true, deps: [lib, lib.outputs.dev] });
    const asString = derivation({ name: "user", system, builder: "/bin/sh", __structuredAttrs: true, deps: [`${lib}`, `${lib.outputs.dev}`] });
    expect(asValue.drvPath).toBe(asString.drvPath);
    expect([...asValue.drv.inputDrvs]).toEqual([[lib.drvPath, ["dev", "out"]]]);
  });

  it("a derivation of another store directory is scanned in the store of the derivation using it (and so adds nothing)", () => {
    setStoreDir("/other/store");
    const elsewhere = derivation({ name: "elsewhere", system, builder: "/bin/sh" });
    setStoreDir("/nix/store");
    const user = derivation({ name: "user", system, builder: "/bin/sh", dep: elsewhere });
    expect(user.drv.inputDrvs.size).toBe(0);
    expect(user.drv.env.get("dep")).toBe(elsewhere.outputs.out.path);
  });
});

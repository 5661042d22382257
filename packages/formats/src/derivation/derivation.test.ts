import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { setStoreDir } from "../store/current-store-dir.js";
import { path } from "../source/path.js";
import { toFile } from "../source/to-file.js";
import { getStringContext, stripContextMarks, unsafeDiscardStringContext } from "./context.js";
import { derivation, derivationPathsComputed, findDerivation, isDerivation } from "./derivation.js";
import { DerivationError } from "./derivation-error.js";
import { placeholder } from "./placeholder.js";

const system = "x86_64-linux";

beforeAll(() => setStoreDir("/nix/store"));

describe("derivation()", () => {
  it("gives the .drv path and output path nix-instantiate gives", () => {
    // nix-instantiate -E 'derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; }'
    const d = derivation({ name: "x", system, builder: "/bin/sh" });
    expect(d.drvPath).toBe("/nix/store/97qlv6h78lxlm9zc8849ahsbcklhsi2y-x.drv");
    expect(`${d}`).toBe(d.outPath);
    expect(d.outputs.out.path).toBe(d.outPath);
  });

  it("interpolating a derivation in a template literal makes it an input", () => {
    const dep = derivation({ name: "dep", system, builder: "/bin/sh", outputs: ["out", "dev"] });
    const user = derivation({ name: "user", system, builder: "/bin/sh", flags: `--with=${dep.outputs.dev}/include`, bin: `${dep}` });
    expect([...user.drv.inputDrvs]).toEqual([[dep.drvPath, ["dev", "out"]]]);
    expect(user.drv.env.get("flags")).toBe(`--with=${dep.outputs.dev.path}/include`);
  });

  it.each([3, 20])("a string naming %i derivations' outputs, some twice, makes each an input once, with the names used, sorted", (count) => {
    const deps = Array.from({ length: count }, (_, index) => derivation({ name: `many-${count}-${index}`, system, builder: "/bin/sh", outputs: ["out", "dev"] }));
    // Each named three times, in an order of their own; a .drv lists them sorted by path.
    const text = [...deps, ...deps.map((dep) => dep.outputs.dev), ...[...deps].reverse()].join(" ");
    const user = derivation({ name: `many-user-${count}`, system, builder: "/bin/sh", text });
    const expected = deps.map((dep): [string, string[]] => [dep.drvPath, ["dev", "out"]]).sort(([a], [b]) => (a < b ? -1 : 1));
    expect([...user.drv.inputDrvs]).toEqual(expected);
    expect(Object.keys(getStringContext(text)).sort()).toEqual(expected.map(([path]) => path));
  });

  it("the first output is the default, whatever its name", () => {
    const d = derivation({ name: "multi", system, builder: "/bin/sh", outputs: ["bin", "out"] });
    expect(`${d}`).toBe(d.outputs.bin.path);
    expect(d.outputNames).toEqual(["bin", "out"]);
  });

  it("a .drv path in a string brings the whole closure, as Nix's drvPath context", () => {
    const src = toFile("src.txt", "hello");
    const base = derivation({ name: "base", system, builder: "/bin/sh", src });
    const mid = derivation({ name: "mid", system, builder: "/bin/sh", base: `${base}` });
    const top = derivation({ name: "top", system, builder: "/bin/sh", graph: mid.drvPath });
    expect([...top.drv.inputDrvs.keys()].sort()).toEqual([base.drvPath, mid.drvPath].sort());
    expect([...top.drv.inputSrcs].sort()).toEqual([base.drvPath, mid.drvPath, src].sort());
  });

  it("unsafeDiscardStringContext keeps the text and drops the dependency", () => {
    const dep = derivation({ name: "dep2", system, builder: "/bin/sh" });
    const text = unsafeDiscardStringContext(`path is ${dep}`);
    const user = derivation({ name: "user2", system, builder: "/bin/sh", text });
    expect(user.drv.inputDrvs.size).toBe(0);
    expect(user.drv.env.get("text")).toBe(`path is ${dep.outPath}`);
    expect(getStringContext(text)).toEqual({});
    expect(getStringContext(`${dep}`)).toEqual({ [dep.drvPath]: { outputs: ["out"] } });
  });

  it("finds a store path that starts right after the text /nix/store", () => {
    const text = toFile("a", "x");
    // nix-instantiate gives xlgxfrbl…-n.drv, with the text in inputSrcs.
    const d = derivation({ name: "n", system: "x", builder: "/bin/sh", v: `/nix/store${text}` });
    expect(d.drv.inputSrcs).toEqual([text]);
  });

  it("prints floats as C does, ties to even", () => {
    const d = derivation({ name: "floats", system, builder: "/bin/sh", tie: 0.0078125, plain: 1.5 });
    expect(d.drv.env.get("tie")).toBe("0.007812");
    expect(d.drv.env.get("plain")).toBe("1.500000");
    const structured = derivation({ name: "floats-json", system, builder: "/bin/sh", __structuredAttrs: true, v: 123456.5 });
    expect(structured.drv.env.get("__json")).toContain('"v":123456');
  });

  it("placeholder is builtins.placeholder", () => {
    // nix-instantiate --eval -E 'builtins.placeholder "out"'
    expect(placeholder("out")).toBe("/1rz4g4znpzjwh1xymhjpm42vipw92pr73vdgl6xs1hycac8kf2n9");
  });

  it("coerces values as Nix does", () => {
    const d = derivation({ name: "c", system, builder: "/bin/sh", yes: true, no: false, none: null, n: 42, list: ["a", 1, [], "b"], skipped: undefined });
    expect(Object.fromEntries(d.drv.env)).toMatchObject({ yes: "1", no: "", none: "", n: "42", list: "a 1 b" });
    expect(d.drv.env.has("skipped")).toBe(false);
  });

  it("fixed-output derivations get the content-addressed path", () => {
    const hash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    const flat = derivation({ name: "empty", system, builder: "/bin/sh", outputHash: hash });
    expect(flat.drv.outputs.get("out")).toMatchObject({ hashAlgo: "sha256", hash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" });
    const twin = derivation({ name: "empty", system, builder: "/bin/other", outputHash: hash });
    expect(twin.outputs.out.path).toBe(flat.outputs.out.path);
    expect(twin.drvPath).not.toBe(flat.drvPath);
    // Both twins keep their identity through plain template literals.
    const consumer = derivation({ name: "consumer", system, builder: "/bin/sh", a: `${flat}`, b: `${twin}` });
    expect([...consumer.drv.inputDrvs.keys()].sort()).toEqual([flat.drvPath, twin.drvPath].sort());
    expect(stripContextMarks(`${twin}`)).toBe(flat.outPath);
  });

  it("findDerivation finds a derivation made in this process by its .drv path", () => {
    const d = derivation({ name: "findme", system, builder: "/bin/sh" });
    expect(findDerivation(d.drvPath)).toBe(d);
    expect(findDerivation("/nix/store/00000000000000000000000000000000-nothing.drv")).toBeUndefined();
  });
});

describe("derivation() hashes when its paths are first read, as Nix forces drvPath", () => {
  it("computes nothing until a path is read, then once for the derivation and every copy of it", () => {
    const dep = derivation({ name: "lazy-dep", system, builder: "/bin/sh" });
    const d = derivation({ name: "lazy", system, builder: "/bin/sh", deps: [dep] });
    // Its attributes were coerced (the input's path was read), its own paths not yet.
    expect(derivationPathsComputed(dep)).toBe(true);
    expect(derivationPathsComputed(d)).toBe(false);
    // A copy (as callPackage makes one) is a derivation too, and still computes nothing.
    const copy = Object.assign(Object.create(Object.getPrototypeOf(d) as object) as typeof d, d);
    expect(isDerivation(copy)).toBe(true);
    expect(derivationPathsComputed(d)).toBe(false);
    // Reading the copy's path computes it for both; the .drv is the one Nix writes for the same attributes.
    const drvPath = copy.drvPath;
    expect(derivationPathsComputed(d)).toBe(true);
    expect(d.drvPath).toBe(drvPath);
    expect(findDerivation(drvPath)).toBe(d);
    expect([...d.drv.inputDrvs.keys()]).toEqual([dep.drvPath]);
    expect(d.drv.env.get("deps")).toBe(dep.outPath);
  });

  it("makes the outputs record and hash modulo map once, on first read, and they agree with its paths", () => {
    const d = derivation({ name: "lazy-outputs", system, builder: "/bin/sh", outputs: ["bin", "out"] });
    // Interpolated before the outputs record is ever read: the same path it then gives.
    const text = `${d}`;
    expect(d.outputs).toBe(d.outputs);
    expect(d.outputs.bin.outPath).toBe(text);
    expect(d.outputs.out.path).toBe(d.drv.outputs.get("out")?.path);
    expect(d.outputs.out.derivation).toBe(d);
    expect(d.hashModulo).toBe(d.hashModulo);
    expect([...d.hashModulo.keys()]).toEqual(["bin", "out"]);
    // A dependent made from the output record or from its plain path is the same derivation.
    const user = derivation({ name: "lazy-outputs-user", system, builder: "/bin/sh", bin: `${d.outputs.bin}` });
    const again = derivation({ name: "lazy-outputs-user", system, builder: "/bin/sh", bin: d.outputs.bin.path });
    expect(user.drvPath).toBe(again.drvPath);
  });

  it("derivations with equal arguments share one frozen list, printed as given", () => {
    const one = derivation({ name: "args-one", system, builder: "/bin/sh", args: ["-c", "echo one > $out"] });
    const two = derivation({ name: "args-two", system, builder: "/bin/sh", args: ["-c", "echo one > $out"] });
    const three = derivation({ name: "args-three", system, builder: "/bin/sh", args: ["-c", "echo three > $out"] });
    expect(two.drv.args).toBe(one.drv.args);
    expect(Object.isFrozen(one.drv.args)).toBe(true);
    expect(three.drv.args).toEqual(["-c", "echo three > $out"]);
    expect(two.aterm).toContain('"/bin/sh",["-c","echo one > $out"],');
  });

  it("still refuses bad attributes where it is called, not when a path is first read", () => {
    expect(() => derivation({ name: "lazy-bad", system, builder: "/bin/sh", args: "not a list" as unknown as string[] })).toThrow(DerivationError);
    expect(() => derivation({ name: "lazy-fixed", system, builder: "/bin/sh", outputHash: "not-a-hash" })).toThrow(DerivationError);
  });
});

describe("derivation() refuses what Nix refuses", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["a missing builder", { name: "a", system }, /required attribute 'builder' missing/],
    ["a missing system", { name: "a", builder: "/bin/sh" }, /required attribute 'system' missing/],
    ["a missing name", { system, builder: "/bin/sh" }, /required attribute 'name' missing/],
    ["a bad name", { name: "hello world", system, builder: "/bin/sh" }, /invalid derivation name "hello world": it contains the character " "/],
    ["a name ending in .drv", { name: "a.drv", system, builder: "/bin/sh" }, /not allowed to end in '.drv'/],
    ["duplicate outputs", { name: "a", system, builder: "/bin/sh", outputs: ["out", "out"] }, /duplicate derivation output 'out'/],
    ["an output named drv", { name: "a", system, builder: "/bin/sh", outputs: ["drv"] }, /invalid derivation output name 'drv'/],
    ["no outputs", { name: "a", system, builder: "/bin/sh", outputs: [] }, /empty set of outputs/],
    ["a fixed output with two outputs", { name: "a", system, builder: "/bin/sh", outputs: ["out", "dev"], outputHash: "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }, /multiple outputs are not supported/],
    ["a bad hash mode", { name: "a", system, builder: "/bin/sh", outputHashMode: "deep" }, /invalid value 'deep' for 'outputHashMode'/],
    ["a hash without type", { name: "a", system, builder: "/bin/sh", outputHash: "abc" }, /does not include a type/],
    ["a function as a value", { name: "a", system, builder: "/bin/sh", f: () => 1 }, /attribute 'f': cannot coerce a function to a string/],
    ["a plain object as a value", { name: "a", system, builder: "/bin/sh", o: { a: 1 } }, /attribute 'o': cannot coerce an object/],
  ];
  it.each(cases)("%s", (_label, attrs, message) => {
    expect(() => derivation(attrs as never)).toThrow(DerivationError);
    expect(() => derivation(attrs as never)).toThrow(message);
  });

  it("a structured system that refers to a store path", () => {
    const attrs = { name: "a", system: `x${toFile("sys", "x")}`, builder: "/bin/sh", __structuredAttrs: true };
    expect(() => derivation(attrs)).toThrow(/attribute 'system': the string 'x\/nix\/store\/[0-9a-z]{32}-sys' is not allowed to refer to a store path/);
  });
});

describe("path() and toFile()", () => {
  it("toFile refuses to refer to derivation outputs, as builtins.toFile does", () => {
    const d = derivation({ name: "out-ref", system, builder: "/bin/sh" });
    expect(() => toFile("x", `${d}`)).toThrow(/cannot refer to derivation outputs/);
  });

  it("toFile paths record the sources they mention", () => {
    const inner = toFile("inner.txt", "inner");
    // nix-instantiate --eval -E 'builtins.toFile "outer.txt" (builtins.toFile "inner.txt" "inner")'
    expect(toFile("outer.txt", inner)).toBe("/nix/store/vrmw2xpfb70wqmv53r6gja0kbdphnp3w-outer.txt");
  });

  it("path() hashes a file as nix-store --add does and names the caller's file in errors", () => {
    const directory = mkdtempSync(join(tmpdir(), "kiln-path-"));
    writeFileSync(join(directory, "hello.txt"), "hello world\n");
    // nix-store --add hello.txt (with these bytes) gives this path.
    expect(path(join(directory, "hello.txt"))).toBe("/nix/store/z45ailnkm27lnvhimqkhy08f6sh5m17d-hello.txt");
    expect(() => path(join(directory, "missing"))).toThrow(/does not exist \(from .*derivation\.test\.ts\)/);
    writeFileSync(join(directory, "bad name"), "x");
    expect(() => path(join(directory, "bad name"))).toThrow(/store name "bad name" is invalid/);
    expect(path(join(directory, "bad name"), { name: "good-name" })).toMatch(/-good-name$/);
    rmSync(directory, { recursive: true, force: true });
  });
});

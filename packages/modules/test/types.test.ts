/**
 * Specifications of option types: what each accepts (check), how several
 * definitions combine (merge), and how it is described in messages — all as
 * nixpkgs' lib/types.nix.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConflictingDefinitionsError, TypeMismatchError, mkDefault, mkForce, mkIf, mkOption, types, type AnyOptionType } from "../src/index.js";
import { errorOf, evaluate, valueOf } from "./evaluate.js";

function merged(type: AnyOptionType, ...definitions: unknown[]): unknown {
  return valueOf([{ options: { x: mkOption({ type }) } }, ...definitions.map((value) => ({ x: value }))], "x");
}

function accepts(type: AnyOptionType, value: unknown): boolean {
  return type.check(value);
}

describe("scalar types merge with mergeEqualOption", () => {
  it.each([
    ["bool", types.bool, true, false],
    ["int", types.int, 1, 2],
    ["str", types.str, "a", "b"],
    ["float", types.float, 1.5, 2.5],
    ["enum", types.enum(["a", "b"]), "a", "b"],
    ["path", types.path, "/a", "/b"],
  ] as const)("%s: equal definitions merge, different ones conflict", (_name, type, value, other) => {
    expect(merged(type, value, value)).toBe(value);
    expect(() => merged(type, value, other)).toThrow(ConflictingDefinitionsError);
  });
});

describe("checks", () => {
  it("bool accepts only booleans", () => {
    expect([true, false, 0, "true"].map((value) => accepts(types.bool, value))).toEqual([true, true, false, false]);
  });
  it("int accepts integers, not fractions or strings", () => {
    expect([1, -5, 1.5, "1"].map((value) => accepts(types.int, value))).toEqual([true, true, false, false]);
  });
  it("ints are bounded", () => {
    expect(accepts(types.ints.between(1, 5), 5)).toBe(true);
    expect(accepts(types.ints.between(1, 5), 6)).toBe(false);
    expect(accepts(types.ints.unsigned, 0)).toBe(true);
    expect(accepts(types.ints.unsigned, -1)).toBe(false);
    expect(accepts(types.ints.positive, 0)).toBe(false);
    expect([255, 256].map((value) => accepts(types.ints.u8, value))).toEqual([true, false]);
    expect([65535, 65536].map((value) => accepts(types.ints.u16, value))).toEqual([true, false]);
    expect([4294967295, 4294967296].map((value) => accepts(types.ints.u32, value))).toEqual([true, false]);
    expect([-128, -129, 127, 128].map((value) => accepts(types.ints.s8, value))).toEqual([true, false, true, false]);
    expect([-32768, 32768].map((value) => accepts(types.ints.s16, value))).toEqual([true, false]);
    expect([-2147483648, 2147483648].map((value) => accepts(types.ints.s32, value))).toEqual([true, false]);
    expect([80, 70000].map((value) => accepts(types.port, value))).toEqual([true, false]);
  });
  it("number accepts integers and floats", () => {
    expect([1, 1.5, "1"].map((value) => accepts(types.number, value))).toEqual([true, true, false]);
  });
  it("string variants", () => {
    expect(accepts(types.nonEmptyStr, " ")).toBe(false);
    expect(accepts(types.nonEmptyStr, "a")).toBe(true);
    expect(accepts(types.singleLineStr, "a\n")).toBe(true);
    expect(accepts(types.singleLineStr, "a\nb")).toBe(false);
    expect(accepts(types.strMatching("[a-z]+"), "abc")).toBe(true);
    expect(accepts(types.strMatching("[a-z]+"), "abc1")).toBe(false);
  });
  it("path accepts absolute path strings", () => {
    expect([accepts(types.path, "/etc"), accepts(types.path, "etc")]).toEqual([true, false]);
  });
  it("package accepts derivation-like objects and store paths", () => {
    expect(accepts(types.package, { type: "derivation", name: "hello" })).toBe(true);
    expect(accepts(types.package, "/nix/store/00000000000000000000000000000000-hello")).toBe(true);
    expect(accepts(types.package, "hello")).toBe(false);
  });
  it("enum accepts its members", () => {
    expect([accepts(types.enum(["a", 1, true]), 1), accepts(types.enum(["a"]), "b")]).toEqual([true, false]);
  });
});

describe("string concatenation types", () => {
  it("lines join with newlines, commas with commas, envVar with colons", () => {
    expect(merged(types.lines, "a", "b")).toBe("b\na");
    expect(merged(types.commas, "a", "b")).toBe("b,a");
    expect(merged(types.envVar, "/a", "/b")).toBe("/b:/a");
    expect(merged(types.separatedString(" "), "a", "b")).toBe("b a");
  });
});

describe("listOf", () => {
  it("concatenates definitions", () => {
    expect(merged(types.listOf(types.int), [1, 2], [3])).toEqual([3, 1, 2]);
  });
  it("checks each element with the element type", () => {
    expect(() => merged(types.listOf(types.int), [1, "two"])).toThrow(/A definition for option `x."\[definition 1-entry 2\]"' is not of type `signed integer'|A definition for option `x.\[definition 1-entry 2\]' is not of type `signed integer'/);
  });
  it("merges submodule elements", () => {
    const element = types.submodule({ options: { n: mkOption({ type: types.int, default: 0 }) } });
    expect(merged(types.listOf(element), [{ n: 1 }, {}])).toEqual([{ n: 1 }, { n: 0 }]);
  });
  it("nonEmptyListOf rejects an empty list", () => {
    expect(accepts(types.nonEmptyListOf(types.int), [])).toBe(false);
  });
});

describe("attrsOf", () => {
  it("merges per attribute", () => {
    expect(merged(types.attrsOf(types.int), { a: 1 }, { b: 2 })).toEqual({ b: 2, a: 1 });
  });
  it("conflicting values of one attribute name the attribute", () => {
    expect(() => merged(types.attrsOf(types.int), { a: 1 }, { a: 2 })).toThrow(/The option `x.a' has conflicting definition values/);
  });
  it("nested attrsOf lists concatenate per attribute", () => {
    expect(merged(types.attrsOf(types.listOf(types.str)), { a: ["1"] }, { a: ["2"], b: [] })).toEqual({ a: ["2", "1"], b: [] });
  });
  it("lazyAttrsOf merges an attribute only when it is read", () => {
    const value = merged(types.lazyAttrsOf(types.int), { good: 1, bad: "x" }) as Record<string, unknown>;
    expect(value["good"]).toBe(1);
    expect(() => value["bad"]).toThrow(TypeMismatchError);
  });
});

describe("attrsOf with a nameType (a Kiln extension)", () => {
  it("refuses a name the type does not accept, eagerly even for lazyAttrsOf, naming the attribute", () => {
    expect(() => merged(types.attrsOf(types.int, { nameType: types.accountName }), { alice: 1, "Bob": 2 })).toThrow(/^A definition for option `x.Bob' has a name that is not of type `user or group name/);
    expect(() => merged(types.lazyAttrsOf(types.int, { nameType: types.relativePath }), { "../up": 1 })).toThrow(TypeMismatchError);
  });
  it("refuses two names the type normalises to one, and keeps names as written otherwise", () => {
    expect(() => merged(types.attrsOf(types.int, { nameType: types.relativePath }), { "a/b": 1 }, { "a//b": 2 })).toThrow(ConflictingDefinitionsError);
    expect(merged(types.attrsOf(types.int, { nameType: types.relativePath }), { "./a": 1 })).toEqual({ "./a": 1 });
  });
  it("merges with another declaration only if both check names the same way", () => {
    const named = types.attrsOf(types.int, { nameType: types.accountName });
    expect(named.typeMerge?.(types.attrsOf(types.int, { nameType: types.accountName }))).toBeDefined();
    expect(named.typeMerge?.(types.attrsOf(types.int))).toBeUndefined();
  });
});

describe("passwdEntry, accountName and the normalised paths", () => {
  it("passwdEntry refuses `:', newline and NUL, and reads as nixpkgs' does", () => {
    expect(["Alice Q. User", "a,b", "a:b", "a\nb", "a\0b"].map((value) => accepts(types.passwdEntry(types.str), value))).toEqual([true, true, false, false, false]);
    expect(types.passwdEntry(types.str).description).toBe("string, not containing newlines, colons or NUL");
  });
  it("accountName follows adduser's rule", () => {
    const names = ["alice", "_apt", "a-b_1", "host$", "a".repeat(32), "a".repeat(33), "Alice", "1a", "-a", "a.b", "a$b", "a b", ""];
    expect(names.map((name) => accepts(types.accountName, name))).toEqual([true, true, true, true, true, false, false, false, false, false, false, false, false]);
  });
  it("absolutePath and relativePath normalise, and refuse .. and the other kind", () => {
    expect(merged(types.absolutePath, "/home//a/./", "/home/a")).toBe("/home/a");
    expect(merged(types.relativePath, "./ssh//ssh_config/")).toBe("ssh/ssh_config");
    expect(["/a/../b", "a", "/a\tb"].map((value) => accepts(types.absolutePath, value))).toEqual([false, false, false]);
    expect(["../a", "a/..", "/a", ".", ""].map((value) => accepts(types.relativePath, value))).toEqual([false, false, false, false, false]);
  });
});

describe("composite types", () => {
  it("nullOr: all null is null, none null uses the element type, a mix is an error", () => {
    expect(merged(types.nullOr(types.int), null, null)).toBe(null);
    expect(merged(types.nullOr(types.int), 1, 1)).toBe(1);
    expect(() => merged(types.nullOr(types.int), null, 1)).toThrow(/is defined both null and not null/);
  });
  it("either merges with the side that accepts all definitions", () => {
    expect(merged(types.either(types.int, types.listOf(types.int)), [1], [2])).toEqual([2, 1]);
    expect(() => merged(types.either(types.int, types.listOf(types.int)), 1, [2])).toThrow(/defined multiple times while it's expected to be unique/);
  });
  it("oneOf accepts any of its types", () => {
    const type = types.oneOf([types.str, types.int, types.bool]);
    expect([accepts(type, "a"), accepts(type, 1), accepts(type, true), accepts(type, null)]).toEqual([true, true, true, false]);
  });
  it("coercedTo converts definitions of the source type", () => {
    expect(merged(types.coercedTo(types.int, (value: number) => String(value), types.str), 5)).toBe("5");
    expect(merged(types.coercedTo(types.str, (value: string) => [value], types.listOf(types.str)), "a", ["b"])).toEqual(["b", "a"]);
  });
  it("uniq and unique allow a single definition", () => {
    expect(merged(types.uniq(types.int), 1)).toBe(1);
    expect(() => merged(types.uniq(types.int), 1, 1)).toThrow(/is defined multiple times while it's expected to be unique/);
    expect(() => merged(types.unique({ message: "Only one, please." }, types.int), 1, 2)).toThrow(/Only one, please\./);
  });
  it("functionTo merges the results of all definitions", () => {
    const merge = merged(types.functionTo(types.listOf(types.int)), (n: number) => [n], (n: number) => [n * 10]) as (n: number) => number[];
    expect(merge(2)).toEqual([20, 2]);
  });
});

describe("anything, raw, attrs", () => {
  it("anything merges attribute sets recursively, with per-attribute priorities", () => {
    expect(merged(types.anything, { a: { b: 1 }, c: mkIf(false, 1) }, { a: { d: mkForce(2) } }, { a: { d: 3 } })).toEqual({ a: { b: 1, d: 2 } });
  });
  it("anything requires equal lists, as nixpkgs does", () => {
    expect(merged(types.anything, [1], [1])).toEqual([1]);
    expect(() => merged(types.anything, [1], [2])).toThrow(ConflictingDefinitionsError);
  });
  it("anything composes functions by merging their results", () => {
    const merge = merged(types.anything, (a: number) => ({ p: a }), (a: number) => ({ q: a })) as (a: number) => unknown;
    expect(merge(1)).toEqual({ q: 1, p: 1 });
  });
  it("anything rejects definitions of different kinds", () => {
    expect(() => merged(types.anything, 1, "1")).toThrow(/conflicting option types/);
  });
  it("raw allows exactly one definition and does not look inside it", () => {
    const value = { nested: mkIf(false, 1) };
    expect(merged(types.raw, value)).toBe(value);
    expect(() => merged(types.raw, 1, 2)).toThrow(/expected to be unique/);
  });
  it("attrs merges shallowly, later definitions winning per key", () => {
    expect(merged(types.attrs, { a: 1, b: { c: 1 } }, { b: { d: 2 } })).toEqual({ a: 1, b: { c: 1 } });
  });
});

describe("zod types", () => {
  it("checks definitions with the schema", () => {
    const type = types.zod(z.object({ host: z.string(), port: z.number().int() }));
    expect(() => merged(type, { host: "h", port: "80" })).toThrow(TypeMismatchError);
  });
  it("objects merge per attribute, then the schema parses the result", () => {
    const type = types.zod(z.object({ host: z.string(), port: z.number().default(80) }));
    expect(merged(type, { host: "h" }, { host: mkDefault("other") })).toEqual({ host: "h", port: 80 });
  });
  it("arrays concatenate", () => {
    expect(merged(types.zod(z.array(z.string())), ["a"], ["b"])).toEqual(["b", "a"]);
  });
  it("records merge per key", () => {
    expect(merged(types.zod(z.record(z.string(), z.number())), { a: 1 }, { b: 2 })).toEqual({ b: 2, a: 1 });
  });
  it("scalars must be equal", () => {
    expect(() => merged(types.zod(z.string()), "a", "b")).toThrow(ConflictingDefinitionsError);
  });
});

describe("descriptions match nixpkgs", () => {
  it.each([
    ["list of (null or string)", types.listOf(types.nullOr(types.str))],
    ["list of 16 bit unsigned integer; between 0 and 65535 (both inclusive)", types.listOf(types.port)],
    ["attribute set of list of string", types.attrsOf(types.listOf(types.str))],
    ["string or list of signed integer", types.either(types.str, types.listOf(types.int))],
    ["null or string or signed integer", types.nullOr(types.either(types.str, types.int))],
    ['one of "a", 1, true', types.enum(["a", 1, true])],
    ['value "a" (singular enum)', types.enum(["a"])],
    ["string or signed integer convertible to it", types.coercedTo(types.int, String, types.str)],
    ["function that evaluates to a(n) string", types.functionTo(types.str)],
    ['strings concatenated with "\\n"', types.lines],
    ['strings concatenated with ","', types.commas],
    ['strings concatenated with ":"', types.envVar],
    ["(optionally newline-terminated) single-line string", types.singleLineStr],
    ["non-empty string", types.nonEmptyStr],
    ["string matching the pattern a.*", types.strMatching("a.*")],
    ["8 bit unsigned integer; between 0 and 255 (both inclusive)", types.ints.u8],
    ["16 bit signed integer; between -32768 and 32767 (both inclusive)", types.ints.s16],
    ["unsigned integer, meaning >=0", types.ints.unsigned],
    ["positive integer, meaning >0", types.ints.positive],
    ["integer between 1 and 5 (both inclusive)", types.ints.between(1, 5)],
    ["floating point number", types.float],
    ["signed integer or floating point number", types.number],
    ["absolute path", types.path],
    ["package", types.package],
    ["anything", types.anything],
    ["raw value", types.raw],
    ["attribute set", types.attrs],
    ["signed integer", types.uniq(types.int)],
    ["submodule", types.submodule({})],
    ["lazy attribute set of signed integer", types.lazyAttrsOf(types.int)],
    ["module", types.deferredModule],
    ["string or signed integer or boolean", types.oneOf([types.str, types.int, types.bool])],
  ] as const)("%s", (description, type) => {
    expect(type.description).toBe(description);
  });
});

describe("option declarations", () => {
  it("the same option declared twice with defaults is an error naming both files", () => {
    const error = errorOf(() => evaluate([{ _file: "one", options: { x: mkOption({ type: types.int, default: 1 }) } }, { _file: "two", options: { x: mkOption({ type: types.int, default: 2 }) } }]).config.x);
    expect(error.message).toMatch(/The option `x' in `(one|two)' is already declared in `(one|two)'\./);
  });
  it("attrsOf submodule declarations in several modules merge their options", () => {
    const modules = [
      { options: { users: mkOption({ type: types.attrsOf(types.submodule({ options: { uid: mkOption({ type: types.int }) } })) }) } },
      { options: { users: mkOption({ type: types.attrsOf(types.submodule({ options: { shell: mkOption({ type: types.str, default: "bash" }) } })) }) } },
      { users: { alice: { uid: 1 } } },
    ];
    expect(valueOf(modules, "users")).toEqual({ alice: { uid: 1, shell: "bash" } });
  });
  it("apply transforms the merged value", () => {
    expect(valueOf([{ options: { x: mkOption({ type: types.int, apply: (value: number) => value * 2 }) } }, { x: 21 }], "x")).toBe(42);
  });
  it("readOnly options may be set only once", () => {
    expect(() => valueOf([{ options: { x: mkOption({ type: types.int, readOnly: true, default: 1 }) } }, { x: 2 }], "x")).toThrow(/is read-only, but it's set multiple times/);
  });
});

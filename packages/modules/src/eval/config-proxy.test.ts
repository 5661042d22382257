import { describe, expect, it } from "vitest";
import { configAttributeNames, evalModules, mkOption, types } from "../index.js";

describe("config prefixes", () => {
  it("answer `in` and list their names alike, with few names (searched in a list) or many (a set)", () => {
    const names = (count: number): string[] => Array.from({ length: count }, (_, index) => `o${index}`);
    const options = (count: number): Record<string, unknown> => Object.fromEntries(names(count).map((name) => [name, mkOption({ type: types.int, default: 1 })]));
    const { config } = evalModules({ modules: [{ options: { few: options(3), many: options(40) } }] });
    const prefixes = config as unknown as { few: object; many: object };
    expect("o2" in prefixes.few).toBe(true);
    expect("o3" in prefixes.few).toBe(false);
    expect("o39" in prefixes.many).toBe(true);
    expect("o40" in prefixes.many).toBe(false);
    expect(Object.keys(prefixes.few)).toEqual(names(3));
    expect(Object.keys(prefixes.many)).toEqual(names(40));
    expect(Object.getOwnPropertyDescriptor(prefixes.many, "o40")).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(prefixes.few, "o1")?.value).toBe(1);
  });
});

describe("configAttributeNames", () => {
  it("lists what Object.keys lists for config and each prefix (freeform attributes included, `_module` left out), and nothing for other values", () => {
    const { config } = evalModules({
      modules: [
        { freeformType: types.attrsOf(types.anything), options: { b: { x: mkOption({ type: types.int, default: 1 }) }, a: mkOption({ type: types.str, default: "a" }) } },
        { extra: { deep: true }, b: { x: 2 } },
      ],
    });
    const root = config as unknown as { b: object; extra: object };
    expect(configAttributeNames(root)).toEqual(Object.keys(root));
    expect(configAttributeNames(root)).toEqual(["b", "a", "extra"]);
    expect(configAttributeNames(root.b)).toEqual(Object.keys(root.b));
    expect(configAttributeNames(root.extra)).toBeUndefined();
    expect(configAttributeNames({ b: 1 })).toBeUndefined();
    expect(configAttributeNames(new Proxy({}, {}))).toBeUndefined();
    expect(configAttributeNames(null)).toBeUndefined();
  });
});

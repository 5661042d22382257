import { describe, expect, it } from "vitest";
import { evalModules, mkOption, types } from "../index.js";

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

/**
 * Specifications of the collected modules' order and deduplication on lists
 * of every length (nixpkgs' `collectModules`: breadth-first, a module kept at
 * its first occurrence by `key` or by value), and of module shaping's check
 * of attributes next to `config` and `options`.
 */
import { describe, expect, it } from "vitest";
import { mkOption, types } from "../src/index.js";
import { evaluate, valueOf } from "./evaluate.js";

const counter = { options: { n: mkOption({ type: types.listOf(types.str), default: [] }) } };

describe("collected modules", () => {
  it("a module listed again, or with the same key, counts once, however many modules come before it", () => {
    for (const before of [0, 5, 15, 16, 17, 40]) {
      const shared = { n: ["shared"] };
      const fillers = Array.from({ length: before }, (_, i) => ({ n: [`f${i}`] }));
      const modules = [counter, ...fillers, shared, { key: "k", n: ["keyed"] }, { imports: [shared, { key: "k", n: ["keyed again"] }] }, shared];
      const expected = [...fillers.map((_, i) => `f${i}`), "shared", "keyed"].reverse();
      expect(valueOf(modules, "n")).toEqual(expected);
    }
  });
  it("imports come after every listed module, breadth-first, however many there are", () => {
    const deep = { n: ["deep"] };
    const modules = [counter, ...Array.from({ length: 20 }, (_, i) => ({ imports: i === 0 ? [{ n: ["imported"], imports: [deep] }] : [], n: [`m${i}`] }))];
    const value = valueOf(modules, "n") as string[];
    expect(value.slice(0, 2)).toEqual(["deep", "imported"]);
    expect(value).toHaveLength(22);
  });
});

describe("module shape", () => {
  it("an attribute next to config is refused; a non-enumerable one is not an attribute", () => {
    expect(() => evaluate([counter, { config: { n: ["x"] }, services: {} }])).toThrow(/has an unsupported attribute `services'/);
    const hidden = { config: { n: ["x"] } };
    Object.defineProperty(hidden, "services", { value: {}, enumerable: false });
    expect(valueOf([counter, hidden], "n")).toEqual(["x"]);
    const nonEnumerableConfig = { n: ["shorthand"] };
    Object.defineProperty(nonEnumerableConfig, "config", { value: { n: ["ignored"] }, enumerable: false });
    expect(valueOf([counter, nonEnumerableConfig], "n")).toEqual(["shorthand"]);
  });
});

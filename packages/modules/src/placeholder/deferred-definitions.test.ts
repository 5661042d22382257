import { describe, expect, it } from "vitest";
import { FoundDefinitions, definitionsAt } from "./deferred-definitions.js";
import { evalModules, mkIf, mkMerge, mkOption, types } from "../index.js";

describe("definitions kept by option", () => {
  it("keep each option's definitions in order, a list value as one definition and undefined as a definition; the options once each, in the order first found", () => {
    const found = new FoundDefinitions<string>();
    found.add("b", 1, false);
    found.add("a", ["x", "y"], false);
    found.add("b", 2, true);
    found.add("c", undefined, false);
    found.add("b", 3, false);
    expect(definitionsAt(found, "a")).toEqual([["x", "y"]]);
    expect(definitionsAt(found, "b")).toEqual([1, 2, 3]);
    expect(definitionsAt(found, "c")).toEqual([undefined]);
    expect(definitionsAt(found, "d")).toEqual([]);
    expect(found.options()).toEqual(["b", "a", "c"]);
    expect([found.defines("c"), found.defines("d")]).toEqual([true, false]);
    expect([found.isTainted("b"), found.isTainted("a")]).toEqual([true, false]);
  });

  it("give a module function that reads config all its definitions of one option, in order", () => {
    const { config } = evalModules({
      modules: [
        { options: { on: mkOption({ type: types.bool, default: true }), tags: mkOption({ type: types.listOf(types.str) }) } },
        ({ config }: { config: { on: boolean } }) => ({ config: mkMerge([{ tags: ["a"] }, { tags: mkIf(config.on, ["b"]) }, { tags: ["c"] }, { tags: mkIf(!config.on, ["d"]) }]) }),
      ],
    });
    expect((config as unknown as { tags: string[] }).tags).toEqual(["a", "b", "c"]);
  });
});

import { describe, expect, it } from "vitest";
import { addDefinition, definitionsAt } from "./deferred-definitions.js";
import { evalModules, mkIf, mkMerge, mkOption, types } from "../index.js";

describe("definitions kept by option", () => {
  it("keep one definition as itself and several in order; a list value is one definition; undefined is a definition", () => {
    const nodes = new Map<string, unknown>();
    addDefinition(nodes, "a", ["x", "y"]);
    addDefinition(nodes, "b", 1);
    addDefinition(nodes, "b", 2);
    addDefinition(nodes, "b", 3);
    addDefinition(nodes, "c", undefined);
    const found = { nodes, unmatched: [], tainted: new Set<string>(), unmatchedTainted: false };
    expect(definitionsAt(found, "a")).toEqual([["x", "y"]]);
    expect(definitionsAt(found, "b")).toEqual([1, 2, 3]);
    expect(definitionsAt(found, "c")).toEqual([undefined]);
    expect(definitionsAt(found, "d")).toEqual([]);
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

import { describe, expect, it } from "vitest";
import { mkOption, types } from "../index.js";
import { OptionNode } from "./option-tree.js";

describe("option tree nodes", () => {
  it("are options once declared, keeping every declaration at their path in order", () => {
    const node = new OptionNode(["a"], ["a"]);
    expect(node.isOption).toBe(false);
    expect(node.declarations).toEqual([]);
    const first = { file: "one.ts", declaration: mkOption({ type: types.int }), calls: undefined };
    const second = { file: "two.ts", declaration: mkOption({ default: 1 }), calls: undefined };
    node.declare(first);
    expect(node.isOption).toBe(true);
    expect(node.declarations).toEqual([first]);
    node.declare(second);
    expect(node.declarations).toEqual([first, second]);
    expect(node.record.declarations).toEqual(["one.ts", "two.ts"]);
  });
});

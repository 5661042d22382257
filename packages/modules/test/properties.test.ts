/**
 * Specifications of definition properties: priorities (mkOverride and its
 * named levels), conditions (mkIf), merging (mkMerge) and ordering
 * (mkOrder, mkBefore, mkAfter), as in NixOS.
 */
import { describe, expect, it } from "vitest";
import { lazy, mkAfter, mkBefore, mkDefault, mkForce, mkIf, mkImageMediaOverride, mkMerge, mkOption, mkOptionDefault, mkOrder, mkOverride, mkVMOverride, types } from "../src/index.js";
import { evaluate, valueOf } from "./evaluate.js";

const strOption = { options: { x: mkOption({ type: types.str, default: "default" }) } };
const listOption = { options: { xs: mkOption({ type: types.listOf(types.int) }) } };

describe("priorities", () => {
  it("an option's default applies when nothing else is defined", () => {
    expect(valueOf([strOption], "x")).toBe("default");
  });
  it("mkOptionDefault is the default's priority: both count together", () => {
    expect(valueOf([{ options: { xs: mkOption({ type: types.listOf(types.int), default: [1] }) } }, { xs: mkOptionDefault([2]) }], "xs")).toEqual([1, 2]);
  });
  it("mkDefault beats the option default", () => {
    expect(valueOf([strOption, { x: mkDefault("mkDefault") }], "x")).toBe("mkDefault");
  });
  it("a plain definition beats mkDefault", () => {
    expect(valueOf([strOption, { x: mkDefault("mkDefault") }, { x: "plain" }], "x")).toBe("plain");
  });
  it("mkForce beats a plain definition", () => {
    expect(valueOf([strOption, { x: "plain" }, { x: mkForce("forced") }, { x: mkDefault("d") }], "x")).toBe("forced");
  });
  it("mkImageMediaOverride (60) loses to mkForce (50) but beats plain", () => {
    expect(valueOf([strOption, { x: "plain" }, { x: mkImageMediaOverride("media") }], "x")).toBe("media");
    expect(valueOf([strOption, { x: mkForce("forced") }, { x: mkImageMediaOverride("media") }], "x")).toBe("forced");
  });
  it("mkVMOverride (10) beats mkForce", () => {
    expect(valueOf([strOption, { x: mkForce("forced") }, { x: mkVMOverride("vm") }], "x")).toBe("vm");
  });
  it("mkOverride with an explicit number: the lowest wins", () => {
    expect(valueOf([strOption, { x: mkOverride(900, "900") }, { x: mkOverride(899, "899") }], "x")).toBe("899");
  });
  it("definitions at the same winning priority are merged by the type", () => {
    expect(valueOf([listOption, { xs: mkForce([1]) }, { xs: mkForce([2]) }, { xs: [3] }], "xs")).toEqual([2, 1]);
  });
  it("options.x.highestPrio reports the winning priority", () => {
    expect(evaluate([strOption, { x: mkDefault("d") }]).options.x.highestPrio).toBe(1000);
    expect(evaluate([strOption]).options.x.highestPrio).toBe(1500);
    expect(evaluate([strOption, { x: "p" }]).options.x.highestPrio).toBe(100);
  });
  it("priorities of attrsOf values are decided per attribute", () => {
    const modules = [{ options: { a: mkOption({ type: types.attrsOf(types.int) }) } }, { a: { p: mkForce(1), q: 1 } }, { a: { p: 2, q: mkDefault(2) } }];
    expect(valueOf(modules, "a")).toEqual({ p: 1, q: 1 });
  });
  it("a priority above the options is pushed down to each option", () => {
    const modules = [{ options: { a: { x: mkOption({ type: types.int }), y: mkOption({ type: types.int }) } } }, { a: mkForce({ x: 1, y: 1 }) }, { a: { x: 2, y: 2 } }];
    expect(evaluate(modules).config.a).toEqual({ x: 1, y: 1 });
  });
});

describe("mkIf", () => {
  it("mkIf true keeps the definition", () => {
    expect(valueOf([strOption, { x: mkIf(true, "yes") }], "x")).toBe("yes");
  });
  it("mkIf false drops the definition, leaving the default", () => {
    expect(valueOf([strOption, { x: mkIf(false, "no") }], "x")).toBe("default");
  });
  it("mkIf around a set of definitions is pushed down to each option", () => {
    const modules = [{ options: { a: mkOption({ type: types.int, default: 0 }), b: mkOption({ type: types.int, default: 0 }) } }, mkIf(true, { a: 1, b: 2 })];
    expect(evaluate(modules).config).toMatchObject({ a: 1, b: 2 });
  });
  it("nested mkIf inside mkMerge: each part keeps its own condition", () => {
    const modules = [listOption, { xs: mkMerge([mkIf(true, [1]), mkIf(false, [2]), [3], mkIf(true, mkIf(false, [4]))]) }];
    expect(valueOf(modules, "xs")).toEqual([1, 3]);
  });
  it("mkIf false list elements are dropped from lists", () => {
    expect(valueOf([listOption, { xs: [1, mkIf(false, 2), mkIf(true, 3)] }], "xs")).toEqual([1, 3]);
  });
  it("mkIf false attributes are absent from attrsOf values", () => {
    const modules = [{ options: { a: mkOption({ type: types.attrsOf(types.int) }) } }, { a: { p: 1, q: mkIf(false, 2) } }];
    expect(valueOf(modules, "a")).toEqual({ p: 1 });
  });
  it("a condition may be a function or lazy value, evaluated when the option is merged", () => {
    expect(valueOf([strOption, { x: mkIf(() => true, "fn") }], "x")).toBe("fn");
    expect(valueOf([strOption, { x: mkIf(lazy(() => false), "lazy") }], "x")).toBe("default");
  });
  it("a non-boolean condition is an error", () => {
    expect(() => valueOf([strOption, { x: mkIf("yes" as unknown as boolean, "v") }], "x")).toThrow(/mkIf' called with a non-Boolean condition/);
  });
  it("mkForce around mkIf false removes the definition (nixpkgs would fail the type check instead)", () => {
    expect(valueOf([strOption, { x: mkForce(mkIf(false, "f")) }], "x")).toBe("default");
  });
});

describe("mkMerge", () => {
  it("merges several definitions given together", () => {
    expect(valueOf([listOption, { xs: mkMerge([[1], [2]]) }, { xs: [3] }], "xs")).toEqual([3, 1, 2]);
  });
  it("merges whole configs above the options", () => {
    const modules = [{ options: { a: mkOption({ type: types.int }), b: mkOption({ type: types.int }) } }, mkMerge([{ a: 1 }, { b: 2 }])];
    expect(evaluate(modules).config).toMatchObject({ a: 1, b: 2 });
  });
});

describe("ordering", () => {
  it("definitions of different modules are concatenated in NixOS order (later modules first)", () => {
    expect(valueOf([listOption, { xs: [1], imports: [{ xs: [3] }] }, { xs: [2] }], "xs")).toEqual([3, 2, 1]);
  });
  it("mkBefore comes before plain definitions and mkAfter after", () => {
    expect(valueOf([listOption, { xs: mkAfter([9]) }, { xs: [5] }, { xs: mkBefore([1]) }], "xs")).toEqual([1, 5, 9]);
  });
  it("mkOrder sorts by number, stably", () => {
    expect(valueOf([listOption, { xs: mkOrder(700, [7]) }, { xs: mkOrder(600, [6]) }, { xs: mkOrder(700, [8]) }], "xs")).toEqual([6, 8, 7]);
  });
  it("lines are joined with newlines in order", () => {
    const modules = [{ options: { script: mkOption({ type: types.lines }) } }, { script: mkAfter("end") }, { script: "middle" }, { script: mkBefore("start") }];
    expect(valueOf(modules, "script")).toBe("start\nmiddle\nend");
  });
});

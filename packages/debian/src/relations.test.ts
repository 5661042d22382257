import { describe, expect, it } from "vitest";
import { parseRelations, versionSatisfies } from "./relations.js";

describe("relationship fields", () => {
  it("parses alternatives, versions and architecture qualifiers, ignoring architecture restrictions", () => {
    expect(parseRelations("libc6 (>= 2.34), debconf (>= 0.5) | debconf-2.0, python3:any, foo [amd64] <!nocheck>")).toEqual([
      [{ name: "libc6", operator: ">=", version: "2.34" }],
      [
        { name: "debconf", operator: ">=", version: "0.5" },
        { name: "debconf-2.0" },
      ],
      [{ name: "python3", arch: "any" }],
      [{ name: "foo" }],
    ]);
  });

  it("reads the obsolete '<' and '>' as '<=' and '>=', as dpkg does", () => {
    expect(parseRelations("a (< 1), b (> 2)")).toEqual([[{ name: "a", operator: "<=", version: "1" }], [{ name: "b", operator: ">=", version: "2" }]]);
  });

  it("checks each operator by Debian version order", () => {
    expect(versionSatisfies("1.0-1", ">=", "1.0")).toBe(true);
    expect(versionSatisfies("1.0~rc1", ">=", "1.0")).toBe(false);
    expect(versionSatisfies("2.0", "<<", "2.0")).toBe(false);
    expect(versionSatisfies("1.9", "<<", "2.0")).toBe(true);
    expect(versionSatisfies("1:1.0", ">>", "9.0")).toBe(true);
    expect(versionSatisfies("1.0", "=", "1.0")).toBe(true);
    expect(versionSatisfies("1.0", undefined, undefined)).toBe(true);
  });

  it("gives no requirements for an empty field", () => {
    expect(parseRelations("")).toEqual([]);
    expect(parseRelations(undefined)).toEqual([]);
  });
});

import { setFlagsFromString } from "node:v8";
import { describe, expect, it } from "vitest";
import { hashTableObject } from "./hash-table-object.js";
import { attrsOf } from "./attrs-types.js";
import { int } from "./int-types.js";

setFlagsFromString("--allow-natives-syntax");
const hasFastProperties = new Function("object", "return %HasFastProperties(object)") as (object: object) => boolean;

describe("hashTableObject", () => {
  it("is an empty, extensible plain object stored as a dictionary", () => {
    const object = hashTableObject();
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(Object.keys(object)).toEqual([]);
    expect(Object.isExtensible(object)).toBe(true);
    expect(hasFastProperties(object)).toBe(false);
    expect(hasFastProperties({})).toBe(true);
  });

  it("keeps names in the order a plain object keeps them (array indices first, then insertion order)", () => {
    const object = hashTableObject();
    const plain: Record<string, unknown> = {};
    for (const name of ["zeta", "10", "alpha", "2", "toString", "__proto__x"]) {
      object[name] = name.length;
      plain[name] = name.length;
    }
    expect(Object.keys(object)).toEqual(Object.keys(plain));
    expect(JSON.stringify(object)).toBe(JSON.stringify(plain));
    expect({ ...object }).toEqual(plain);
  });

  it("is what an attrsOf merge returns, with the names of its definitions in order", () => {
    const merged = attrsOf(int).merge(["x"], [
      { file: "a.ts", value: { b: 1, a: 2 } },
      { file: "b.ts", value: { c: 3 } },
    ]) as Record<string, number>;
    expect(merged).toEqual({ b: 1, a: 2, c: 3 });
    expect(Object.keys(merged)).toEqual(["b", "a", "c"]);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(hasFastProperties(merged)).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { extendPath } from "./extend-path.js";

describe("extendPath", () => {
  it("appends one name to a copy, leaving the path as it was", () => {
    const path = ["services", "nginx"] as const;
    const extended = extendPath(path, "enable");
    expect(extended).toEqual(["services", "nginx", "enable"]);
    expect(path).toEqual(["services", "nginx"]);
    expect(extendPath([], "a")).toEqual(["a"]);
  });

  it("makes a dense array of exactly one more element (no holes a later read would see)", () => {
    const extended = extendPath(["a", "b", "c", "d", "e"], "f");
    expect(extended).toHaveLength(6);
    expect(Object.keys(extended)).toEqual(["0", "1", "2", "3", "4", "5"]);
  });
});

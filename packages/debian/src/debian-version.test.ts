import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { compareDebianVersions, parseDebianVersion } from "./debian-version.js";

const PAIRS: [string, string][] = [
  ["1.0", "1.0"],
  ["1.0", "1.1"],
  ["1.0~rc1", "1.0"],
  ["1.0~~", "1.0~"],
  ["1.0~", "1.0"],
  ["1.0a", "1.0"],
  ["1.0+b1", "1.0"],
  ["1:0.1", "2.0"],
  ["2:1.0", "10:0.1"],
  ["1.0-1", "1.0-1+deb12u1"],
  ["1.0-1", "1.0-10"],
  ["1.0-2", "1.0-10"],
  ["1.001", "1.1"],
  ["1.10", "1.9"],
  ["2.36-9+deb12u4", "2.36-9+deb12u14"],
  ["12.2.0-14", "12.2.0-14+deb12u1"],
  ["1.2.3-a.b", "1.2.3-a+b"],
  ["0.9.7-0.1", "0.9.7-0.1~bpo"],
  ["3.2.2-2", "3.2.2-2"],
  ["a", "B"],
  ["1-2-3", "1-2-4"],
  ["7.88.1-10+deb12u5", "7.88.1-10+deb12u12"],
  ["1.0.0", "1.0"],
];

describe("Debian version order", () => {
  it("splits epoch, upstream version and revision at the first colon and the last hyphen", () => {
    expect(parseDebianVersion("2:1.0-2-3")).toEqual({ epoch: 2, upstream: "1.0-2", revision: "3" });
    expect(parseDebianVersion("1.0")).toEqual({ epoch: 0, upstream: "1.0", revision: "" });
  });

  it.runIf(spawnSync("dpkg", ["--version"]).status === 0)("orders versions exactly as dpkg --compare-versions does", () => {
    for (const [a, b] of PAIRS) {
      const lt = spawnSync("dpkg", ["--compare-versions", a, "lt", b]).status === 0;
      const eq = spawnSync("dpkg", ["--compare-versions", a, "eq", b]).status === 0;
      const ours = Math.sign(compareDebianVersions(a, b));
      expect([a, b, ours]).toEqual([a, b, lt ? -1 : eq ? 0 : 1]);
      expect(Math.sign(compareDebianVersions(b, a))).toBe(-ours || 0);
    }
  });

  it("puts a tilde before everything, even the end of the version", () => {
    expect(compareDebianVersions("1.0~rc1", "1.0")).toBeLessThan(0);
    expect(compareDebianVersions("1.0~~a", "1.0~")).toBeLessThan(0);
  });
});

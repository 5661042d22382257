import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { callerLocation, callerStack, moduleLocation, recordModuleLocation } from "../src/eval/module-location.js";

const thisFile = "module-location.test.ts";
const startingDirectory = process.cwd();
afterEach(() => process.chdir(startingDirectory));

describe("module locations", () => {
  it("a stack recorded for a module names the caller's line, as the eager location does, even when read after the working directory changed", () => {
    const module = {};
    const eager = callerLocation();
    recordModuleLocation(module, callerStack());
    const elsewhere = mkdtempSync(`${tmpdir()}/kiln-location-`);
    try {
      process.chdir(elsewhere);
      const location = moduleLocation(module);
      expect(location).toMatch(new RegExp(`${thisFile}:\\d+:\\d+$`));
      const [, eagerLine] = /:(\d+):\d+$/.exec(eager ?? "") ?? [];
      const [, line] = /:(\d+):\d+$/.exec(location ?? "") ?? [];
      expect(Number(line)).toBe(Number(eagerLine) + 1);
      expect(location?.replace(/:\d+:\d+$/, "")).toBe(eager?.replace(/:\d+:\d+$/, ""));
    } finally {
      process.chdir(startingDirectory);
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it("the first recording wins, whether a file name or a stack", () => {
    const named = {};
    recordModuleLocation(named, "machine/x.ts");
    recordModuleLocation(named, callerStack());
    expect(moduleLocation(named)).toBe("machine/x.ts");

    const stacked = {};
    recordModuleLocation(stacked, callerStack());
    recordModuleLocation(stacked, "later.ts");
    expect(moduleLocation(stacked)).toMatch(new RegExp(`${thisFile}:\\d+:\\d+$`));
    expect(moduleLocation(stacked)).toBe(moduleLocation(stacked));
  });

  it("a module with no recording has no location", () => {
    expect(moduleLocation({})).toBeUndefined();
    expect(moduleLocation(null)).toBeUndefined();
    expect(moduleLocation("text")).toBeUndefined();
  });
});

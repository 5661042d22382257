/**
 * Typed options: a command line becomes settings named after the options
 * (`out-link` → `outLink`), each value converted once, a wrong one refused
 * with a usage error naming the option.
 */
import { describe, expect, it } from "vitest";
import { UsageError } from "../usage-error.js";
import { choice, converted, flag, list, optionGroup, positiveWholeNumber, readSettings, settingName, text, textOr } from "./typed-option.js";

const OPTIONS = optionGroup(
  flag("no-link", { description: "…" }),
  text("root", { value: "DIR", description: "…" }),
  textOr("out-link", { value: "NAME", description: "…" }, "result"),
  converted("max-jobs", { value: "N", description: "…" }, positiveWholeNumber("max-jobs", "a positive whole number")),
  choice("format", { value: "F", description: "…" }, ["dot", "json"], "dot", (given) => `unknown format '${given}'`),
  list("delete", { value: "N", description: "…" }, positiveWholeNumber("delete", "a generation number")),
);

describe("reading settings", () => {
  it("names each setting after its option and gives defaults for what was not given", () => {
    const settings = readSettings(OPTIONS, { positionals: [], options: {} });
    expect(settings).toEqual({ noLink: false, root: undefined, outLink: "result", maxJobs: undefined, format: "dot", delete: [] });
  });

  it("converts what was given", () => {
    const settings = readSettings(OPTIONS, { positionals: [], options: { "no-link": true, root: "/r", "out-link": "out", "max-jobs": "4", format: "json", delete: ["2", "3"] } });
    expect(settings).toEqual({ noLink: true, root: "/r", outLink: "out", maxJobs: 4, format: "json", delete: [2, 3] });
  });

  it("refuses a value that does not fit, naming the option", () => {
    expect(() => readSettings(OPTIONS, { positionals: [], options: { "max-jobs": "abc" } })).toThrow(new UsageError("--max-jobs needs a positive whole number, not 'abc'"));
    expect(() => readSettings(OPTIONS, { positionals: [], options: { delete: ["1", "x"] } })).toThrow("--delete needs a generation number, not 'x'");
    expect(() => readSettings(OPTIONS, { positionals: [], options: { format: "svg" } })).toThrow("unknown format 'svg'");
  });

  it("spells setting names as their types do", () => {
    expect(settingName("max-silent-time")).toBe("maxSilentTime");
    expect(settingName("json")).toBe("json");
  });
});

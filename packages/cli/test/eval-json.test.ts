// `kiln eval --json` prints plain data as JSON.stringify would, and converts
// what JSON cannot hold wherever it sits: functions are left out of objects
// and null in lists, undefined is null, a bigint a number, a value inside
// itself is left out.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKiln } from "./run-kiln.js";

const root = mkdtempSync(join(tmpdir(), "kiln-eval-json-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("kiln eval --json", () => {
  it("prints plain data as it is and converts what JSON cannot hold at any depth", () => {
    writeFileSync(
      join(root, "kiln.ts"),
      `const cyclic: Record<string, unknown> = { name: "c" };
cyclic["self"] = cyclic;
export default {
  plain: { list: [1, "a", null, true, { deep: [2, 3] }], empty: {}, none: [] },
  withFunction: { keep: 1, drop: () => 1, nested: { list: [1, () => 2] } },
  undefinedValues: { u: undefined, list: [undefined] },
  big: 10n,
  cyclic,
  "10": "index keys first",
};
`,
    );
    const run = runKiln(["eval", "kiln.ts", "--json"], root, { KILN_EVAL_CACHE: "0" });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(
      `${JSON.stringify(
        {
          "10": "index keys first",
          plain: { list: [1, "a", null, true, { deep: [2, 3] }], empty: {}, none: [] },
          withFunction: { keep: 1, nested: { list: [1, null] } },
          undefinedValues: { u: null, list: [null] },
          big: 10,
          cyclic: { name: "c" },
        },
        null,
        2,
      )}\n`,
    );
  });

  it("prints an attribute set with an outPath as that path, and one without as an attribute set even when its type is derivation, as builtins.toJSON does", () => {
    writeFileSync(
      join(root, "outpath.ts"),
      `export default {
  built: { type: "derivation", drvPath: "/nix/store/aaaa-x.drv", outPath: "/nix/store/aaaa-x" },
  plainOutPath: { outPath: "/nix/store/bbbb-y", other: 1 },
  noOutPath: { type: "derivation", drvPath: "/nix/store/cccc-z.drv", name: "z" },
};
`,
    );
    const run = runKiln(["eval", "outpath.ts", "--json"], root, { KILN_EVAL_CACHE: "0" });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({
      built: "/nix/store/aaaa-x",
      plainOutPath: "/nix/store/bbbb-y",
      noOutPath: { type: "derivation", drvPath: "/nix/store/cccc-z.drv", name: "z" },
    });
  });

  it("prints a large value, left-out functions among its thousands of attributes, exactly as the small one", () => {
    writeFileSync(
      join(root, "large.ts"),
      `const entries: Record<string, unknown> = {};
for (let i = 0; i < 3000; i++) entries[\`k\${i}\`] = { drop: () => i, list: [i, () => i, { f: () => 1, s: \`v\${i}\` }], [String(i)]: i };
export default { entries, last: [() => 0] };
`,
    );
    const run = runKiln(["eval", "large.ts", "--json"], root, { KILN_EVAL_CACHE: "0" });
    expect(run.stderr).toBe("");
    const entries: Record<string, unknown> = {};
    for (let i = 0; i < 3000; i++) entries[`k${i}`] = { list: [i, null, { s: `v${i}` }], [String(i)]: i };
    expect(run.stdout).toBe(`${JSON.stringify({ entries, last: [null] }, null, 2)}\n`);
  });

  it("writes nothing when a value read late in a large text fails, after many chunks of it were made", () => {
    writeFileSync(
      join(root, "late-failure.ts"),
      `const entries: Record<string, unknown> = {};
for (let i = 0; i < 3000; i++) entries[\`k\${i}\`] = { list: [i, \`v\${i}\`] };
export default {
  entries,
  get last(): never {
    throw new Error("late failure");
  },
};
`,
    );
    const run = runKiln(["eval", "late-failure.ts", "--json"], root, { KILN_EVAL_CACHE: "0" });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("late failure");
  });
});

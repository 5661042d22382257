import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runKiln } from "./run-kiln.js";

const EXAMPLE = fileURLToPath(new URL("../../../examples/hello", import.meta.url));

const made: string[] = [];
afterAll(() => {
  for (const root of made) rmSync(root, { recursive: true, force: true });
});

/** A directory outside any Node project, holding the given files. */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "kiln-cli-"));
  made.push(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, ".."), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

describe("kiln instantiate", () => {
  it("prints the .drv path of every derivation in the default export", () => {
    const run = runKiln(["instantiate", "./kiln.ts"], EXAMPLE);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^\/nix\/store\/[0-9a-z]{32}-hello(-message)?\.drv$/);
  });

  it("--json names each derivation by attribute path, with its outputs", () => {
    const run = runKiln(["instantiate", ".#hello", "--json"], EXAMPLE);
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as Record<string, { drvPath: string; outputs: Record<string, string> }>;
    expect(Object.keys(result)).toEqual(["hello"]);
    expect(result["hello"]?.drvPath).toMatch(/-hello\.drv$/);
    expect(Object.keys(result["hello"]?.outputs ?? {})).toEqual(["out"]);
  });

  it("--store-dir computes paths for another store", () => {
    const run = runKiln(["instantiate", ".#message", "--store-dir", "/opt/kiln/store"], EXAMPLE);
    expect(run.stdout).toMatch(/^\/opt\/kiln\/store\/[0-9a-z]{32}-hello-message\.drv\n$/);
  });

  it("finds derivations nested in objects and arrays", () => {
    const root = project({
      "kiln.ts": `import { derivation } from "@kiln/core";
const mk = (name: string) => derivation({ name, system: "x86_64-linux", builder: "/bin/sh" });
export default { a: mk("a"), group: { b: mk("b"), list: [mk("c")] }, notADerivation: 3 };
`,
    });
    const run = runKiln(["instantiate", "kiln.ts", "--json"], root);
    expect(run.stderr).toBe("");
    expect(Object.keys(JSON.parse(run.stdout) as object)).toEqual(["a", "group.b", "group.list.0"]);
  });
});

describe("a config outside any Node project", () => {
  let root = "";
  beforeAll(() => {
    root = project({
      "kiln.ts": `import { derivation } from "@kiln/core";
import { data, system } from "./lib/common";
export default { app: derivation({ name: "app", system, builder: "/bin/sh", data }) };
`,
      "lib/common.ts": `import { path } from "@kiln/core";
export const system = "x86_64-linux";
// Resolved against this file's folder, like a Nix path literal.
export const data = path("./data.txt");
`,
      "lib/data.txt": "hello\n",
    });
  });

  it("imports @kiln/core without a package.json, and extensionless relative imports", () => {
    const run = runKiln(["eval", "kiln.ts#app.drvAttrs.data"], root);
    expect(run.stderr).toBe("");
    // nix-store --add of a file named data.txt holding "hello\n"
    expect(run.stdout.trim()).toMatch(/^"\/nix\/store\/[0-9a-z]{32}-data\.txt"$/);
  });

  it("a path() source is an input of the derivation", () => {
    const run = runKiln(["show-derivation", "kiln.ts#app"], root);
    const shown = Object.values(JSON.parse(run.stdout) as Record<string, { inputSrcs: string[] }>);
    expect(shown[0]?.inputSrcs).toHaveLength(1);
    expect(shown[0]?.inputSrcs[0]).toMatch(/-data\.txt$/);
  });
});

describe("errors point at the user's file, line and column", () => {
  const cases: [string, string, string, RegExp][] = [
    ["a TypeScript syntax error", "kiln.ts", `import { derivation } from "@kiln/core";\nexport default {\n  a: derivation({ name: "x",\n`, /^error: kiln\.ts:4:1: Expected identifier but found end of file\n$/],
    [
      "an exception while evaluating",
      "kiln.ts",
      `function helper(): never {\n  throw new Error("boom");\n}\nexport default { a: helper() };\n`,
      /^error: kiln\.ts:2:9: boom\n$/,
    ],
    [
      "an invalid derivation name",
      "kiln.ts",
      `import { derivation } from "@kiln/core";\n\nexport default {\n  bad: derivation({ name: "hello world", system: "x", builder: "/bin/sh" }),\n};\n`,
      /^error: kiln\.ts:4:8: invalid derivation name "hello world": it contains the character " "; only letters, digits and \+ - \. _ \? = are allowed\n$/,
    ],
    [
      "an invalid hash",
      "kiln.ts",
      `import { derivation } from "@kiln/core";\nexport default derivation({\n  name: "src", system: "x", builder: "/bin/sh",\n  outputHash: "sha256-abc",\n});\n`,
      /^error: kiln\.ts:2:16: derivation 'src': attribute 'outputHash': hash 'sha256-abc' has wrong length for hash type 'sha256'\n$/,
    ],
    ["an import of a missing module", "kiln.ts", `import { x } from "./nothere";\nexport default { x };\n`, /^error: kiln\.ts:1:19: Cannot find module '.*\/nothere'\n$/],
    ["an import of a package that is not installed", "kiln.ts", `\nimport thing from "not-installed-anywhere";\nexport default thing;\n`, /^error: kiln\.ts:2:19: Cannot find package 'not-installed-anywhere'\n$/],
    ["a missing file", "other.ts", "export default 1;\n", /^error: config file '.*\/kiln\.ts' does not exist\n$/],
  ];

  it.each(cases)("%s", (_label, name, text, expected) => {
    const root = project({ [name]: text });
    const run = runKiln(["instantiate", "kiln.ts"], root);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(expected);
    expect(run.stdout).toBe("");
  });

  it("an error found while the command reads the config names the definition, not Kiln's own code", () => {
    const text = [
      `import { evalModules, mkOption, types } from "@kiln/modules";`,
      `const options = { options: { server: { port: mkOption({ type: types.port, default: 80 }) } } };`,
      `export const config = evalModules({ modules: [options, { config: { server: { prot: 8080 } } }] }).config;`,
      "",
    ].join("\n");
    const run = runKiln(["eval", "kiln.ts#config"], project({ "kiln.ts": text }));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error: The option `server\.prot' does not exist\. Did you mean `server\.port'\?/);
    expect(run.stderr).toMatch(/In `kiln\.ts:3:\d+': 8080/);
    expect(run.stderr).not.toMatch(/packages\/(cli|core|modules)\//);
  });

  it("a missing attribute names it and suggests a near one", () => {
    const run = runKiln(["eval", ".#helo"], EXAMPLE);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error: attribute 'helo' in selection path 'helo' not found in '.*kiln\.ts'\. Did you mean 'hello'\?\n$/);
  });

  it("a missing attribute of the default package set names '@kiln/pkgs', suggests a near one, and names no file of Kiln's", () => {
    const run = runKiln(["instantiate", "@kiln/pkgs#hllo"], EXAMPLE);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe("error: attribute 'hllo' in selection path 'hllo' not found in '@kiln/pkgs'. Did you mean 'hello'?\n");
  });

  it("--show-trace adds the stacks", () => {
    const root = project({ "kiln.ts": `export default { a: (() => { throw new Error("boom"); })() };\n` });
    const run = runKiln(["eval", "kiln.ts", "--show-trace"], root);
    expect(run.stderr).toMatch(/^error: kiln\.ts:1:36: boom\n/);
    expect(run.stderr).toContain("caused by: Error: boom");
  });

  it("an unknown option is a usage error (exit 2)", () => {
    const run = runKiln(["instantiate", "--bogus", "kiln.ts"], EXAMPLE);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/Unknown option '--bogus'/);
  });
});

describe("kiln eval", () => {
  it("prints values in Nix syntax, derivations as «derivation …»", () => {
    const root = project({
      "kiln.ts": `import { derivation } from "@kiln/core";\nexport default { n: 1, s: "a\\"b", l: [true, null], d: derivation({ name: "d", system: "x86_64-linux", builder: "/bin/sh" }) };\n`,
    });
    const run = runKiln(["eval", "kiln.ts"], root);
    // nix-instantiate -E 'derivation { name = "d"; system = "x86_64-linux"; builder = "/bin/sh"; }'
    expect(run.stdout).toBe('{ n = 1; s = "a\\"b"; l = [ true null ]; d = «derivation /nix/store/nrb4avj6pm8s9wv5zqyxn1zf91648msi-d.drv»; }\n');
  });

  it("--json prints derivations as their output paths", () => {
    const run = runKiln(["eval", ".#message", "--json"], EXAMPLE);
    expect(JSON.parse(run.stdout)).toMatch(/^\/nix\/store\/[0-9a-z]{32}-hello-message$/);
  });

  it("--json prints a package set as its packages (output paths) and data, leaving out functions and the set inside itself", () => {
    const run = runKiln(["eval", "@kiln/pkgs", "--json"], EXAMPLE);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const set = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(set["hello"]).toMatch(/^\/nix\/store\/[0-9a-z]{32}-hello-[0-9.]+$/);
    expect(set["system"]).toBe("x86_64-linux");
    expect(set["licenses"]).toMatchObject({ mit: { spdxId: "MIT" } });
    expect(set).not.toHaveProperty("pkgs"); // the set itself: JSON cannot hold a value inside itself
    expect(set).not.toHaveProperty("callPackage"); // a function
  });

  it("--json of a function is an error, as in nix eval --json; in a list it is null", () => {
    const root = project({ "kiln.ts": `export default { f: () => 1, l: [1, () => 2] };\n` });
    const run = runKiln(["eval", "kiln.ts#f", "--json"], root);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toBe("error: 'kiln.ts#f' is a function, which cannot be printed as JSON; select one of its attributes, or call it in the config\n");
    expect(JSON.parse(runKiln(["eval", "kiln.ts", "--json"], root).stdout)).toEqual({ l: [1, null] });
  });
});

/**
 * Loading configs as bundles: every local import goes in, each file keeps
 * its own `import.meta.url`, errors name the user's file and line, the
 * cache is reused while nothing changed and rebuilt when anything did.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigEvaluationError, ConfigSyntaxError } from "@kiln/formats";
import { loadConfig } from "../src/index.js";

let root: string;
let cache: string;
const previousCache = process.env["KILN_CACHE_DIR"];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-load-config-"));
  cache = join(root, "cache");
  process.env["KILN_CACHE_DIR"] = cache;
});

afterAll(() => {
  if (previousCache === undefined) delete process.env["KILN_CACHE_DIR"];
  else process.env["KILN_CACHE_DIR"] = previousCache;
  rmSync(root, { recursive: true, force: true });
});

function project(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

describe("loadConfig", () => {
  it("bundles local TypeScript and JavaScript imports, extensionless or written .js", async () => {
    const dir = project("imports", {
      "kiln.ts": `import { a } from "./lib/a";\nimport { b } from "./lib/b.js";\nimport { c } from "./lib/c.mjs";\nexport default { sum: a + b + c };\n`,
      "lib/a.ts": "export const a: number = 1;\n",
      "lib/b.ts": "export const b: number = 2;\n",
      "lib/c.mjs": "export const c = 3;\n",
    });
    const { value } = await loadConfig(join(dir, "kiln.ts"));
    expect(value).toEqual({ sum: 6 });
  });

  it("gives each file its own import.meta.url, dirname and filename", async () => {
    const dir = project("meta", {
      "kiln.ts": `import { where } from "./sub/where";\nexport default { top: import.meta.url, where, dirname: import.meta.dirname };\n`,
      "sub/where.ts": "export const where = { url: import.meta.url, filename: import.meta.filename };\n",
    });
    const { value } = await loadConfig(join(dir, "kiln.ts"));
    expect(value).toEqual({
      top: pathToFileURL(join(dir, "kiln.ts")).href,
      where: { url: pathToFileURL(join(dir, "sub/where.ts")).href, filename: join(dir, "sub/where.ts") },
      dirname: dir,
    });
  });

  it("reuses the cached bundle while nothing changed, and rebuilds when an imported file changes", async () => {
    const dir = project("cache", { "kiln.ts": `import { n } from "./n";\nexport default n;\n`, "n.ts": "export const n = 1;\n" });
    expect((await loadConfig(join(dir, "kiln.ts"))).value).toBe(1);
    const bundles = readdirSync(join(cache, "configs")).filter((file) => file.endsWith(".mjs"));
    // Same contents, new mtime: still current (contents decide, not times).
    utimesSync(join(dir, "n.ts"), new Date(), new Date(Date.now() + 5000));
    expect((await loadConfig(join(dir, "kiln.ts"))).value).toBe(1);
    expect(readdirSync(join(cache, "configs")).filter((file) => file.endsWith(".mjs"))).toEqual(bundles);
    writeFileSync(join(dir, "n.ts"), "export const n = 2;\n");
    expect((await loadConfig(join(dir, "kiln.ts"))).value).toBe(2);
  });

  it("evaluates the config afresh on every load, as an embedding program reloading it expects", async () => {
    const dir = project("fresh", { "kiln.ts": "globalThis.__kilnLoads = ((globalThis as { __kilnLoads?: number }).__kilnLoads ?? 0) + 1;\nexport default 0;\n" });
    await loadConfig(join(dir, "kiln.ts"));
    await loadConfig(join(dir, "kiln.ts"));
    expect((globalThis as { __kilnLoads?: number }).__kilnLoads).toBe(2);
  });

  it("names the file, line and column of a syntax error in an imported file", async () => {
    const dir = project("syntax", { "kiln.ts": `import { x } from "./broken";\nexport default x;\n`, "broken.ts": "export const x = {\n  a: 1,,\n};\n" });
    const error = await loadConfig(join(dir, "kiln.ts")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigSyntaxError);
    expect((error as ConfigSyntaxError).location).toEqual({ file: join(dir, "broken.ts"), line: 2, column: 8 });
  });

  it("names the import of a missing module or an uninstalled package", async () => {
    const dir = project("missing", { "kiln.ts": `\nimport { y } from "./nowhere";\nimport z from "no-such-package-anywhere";\nexport default [y, z];\n` });
    const error = await loadConfig(join(dir, "kiln.ts")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigEvaluationError);
    expect((error as ConfigEvaluationError).message).toMatch(/kiln\.ts:2:19: Cannot find module '.*\/missing\/nowhere'/);
  });

  it("points an exception at the user's line, through the bundle's source map", async () => {
    const dir = project("throws", { "kiln.ts": `import { fail } from "./fail";\nexport default fail();\n`, "fail.ts": "export function fail(): never {\n  throw new Error(\"nope\");\n}\n" });
    const error = await loadConfig(join(dir, "kiln.ts")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigEvaluationError);
    expect((error as ConfigEvaluationError).location).toMatchObject({ file: join(dir, "fail.ts"), line: 2 });
  });
});

describe("the config cache", () => {
  const cachedConfigs = (): string[] =>
    readdirSync(join(cache, "configs"))
      .filter((file) => file.endsWith(".json"))
      .map((file) => (JSON.parse(readFileSync(join(cache, "configs", file), "utf8")) as { config: string }).config);

  it("forgets the bundles of configs that were deleted", async () => {
    const gone = project("gone", { "kiln.ts": "export default 1;\n" });
    await loadConfig(join(gone, "kiln.ts"));
    expect(cachedConfigs()).toContain(join(gone, "kiln.ts"));
    rmSync(gone, { recursive: true });
    const kept = project("kept", { "kiln.ts": "export default 2;\n" });
    await loadConfig(join(kept, "kiln.ts"));
    expect(cachedConfigs()).not.toContain(join(gone, "kiln.ts"));
    expect(cachedConfigs()).toContain(join(kept, "kiln.ts"));
    expect(readdirSync(join(cache, "configs")).filter((file) => file.endsWith(".mjs")).length).toBe(cachedConfigs().length);
  });
});

describe("a cache directory that cannot be written", () => {
  it("still loads the config, caching it under the temporary directory instead", async () => {
    const readOnly = join(root, "read-only-cache");
    mkdirSync(readOnly);
    // A file where the cache's directory would go: it cannot be made, whoever runs the test.
    writeFileSync(join(readOnly, "configs"), "not a directory\n");
    const dir = project("uncached", { "kiln.ts": "export default 42;\n" });
    process.env["KILN_CACHE_DIR"] = readOnly;
    try {
      expect((await loadConfig(join(dir, "kiln.ts"))).value).toBe(42);
    } finally {
      process.env["KILN_CACHE_DIR"] = cache;
    }
  });
});

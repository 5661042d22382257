/**
 * Debian package names typed from the lock: `kiln update` (locking on
 * first use) writes `kiln.lock.d.ts` beside `kiln.lock`, so that in a
 * project made by `kiln init` `deb.htop` and `deb["nginx-light"]` are typed,
 * a misspelt package is an error `kiln check` reports at its line, and the
 * project's own tsconfig (what an editor uses) completes the names.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEBIAN_CACHE as cache, debianArchiveUnavailable } from "./debian-cache.js";
import { runKiln } from "./run-kiln.js";

const skip = await debianArchiveUnavailable();
if (skip !== undefined) console.warn(`skipping the typed Debian package name tests: the archive is unreachable (${skip})`);

const CONFIG = [
  'import { debian } from "@kiln/debian";',
  "",
  'const deb = await debian({ suite: "bookworm", essential: false });',
  "",
  "export default {",
  "  htop: deb.htop,",
  '  nginx: deb["nginx-light"],',
  "};",
  "",
].join("\n");

describe.skipIf(skip !== undefined)("Debian package names typed from the lock", () => {
  let dir: string;
  let project: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kiln-debian-names-"));
    project = join(dir, "project");
    env = { KILN_STORE_DIR: join(dir, "store"), KILN_STATE_DIR: join(dir, "state"), KILN_HASHED_MIRRORS: cache };
    expect(runKiln(["init", "project"], dir, env).status).toBe(0);
    writeFileSync(join(project, "kiln.ts"), CONFIG);
    const update = runKiln(["update"], project, env);
    expect(update.stderr).toMatch(/was not locked; locked it/);
    expect(update.status).toBe(0);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("kiln update writes kiln.lock.d.ts beside kiln.lock, one member per package of the locked index", () => {
    const text = readFileSync(join(project, "kiln.lock.d.ts"), "utf8");
    expect(text).toMatch(/^declare module "@kiln\/debian" \{$/m);
    expect(text).toMatch(/^readonly htop: DebianPackage;$/m);
    expect(text).toMatch(/^readonly "nginx-light": DebianPackage;$/m);
    // Members of the package set itself are not package names.
    expect(text).not.toMatch(/^readonly search: /m);
    expect(text.match(/: DebianPackage;$/gm)?.length).toBeGreaterThan(50_000);
  });

  it("kiln check accepts the config, and reports a misspelt package at its line with the closest names", () => {
    expect(runKiln(["check", "./kiln.ts"], project, env).stderr).toMatch(/no type errors/);
    writeFileSync(join(project, "kiln.ts"), CONFIG.replace('  nginx: deb["nginx-light"],', '  nginx: deb["nginx-light"],\n  tree: deb.tre,'));
    try {
      const check = runKiln(["check", "./kiln.ts"], project, env);
      expect(check.status).toBe(1);
      expect(check.stderr).toMatch(/kiln\.ts:8:\d+: error TS2551: Property 'tre' does not exist on type 'DebianPackageSet<"debian-bookworm">'\. Did you mean 'tree'\?/);
    } finally {
      writeFileSync(join(project, "kiln.ts"), CONFIG);
    }
  }, 60_000);

  it("kiln check writes kiln.lock.d.ts again from the store's index when it is missing (a fresh clone), before type-checking", () => {
    rmSync(join(project, "kiln.lock.d.ts"));
    writeFileSync(join(project, "typo.ts"), CONFIG.replace("deb.htop", "deb.htpo"));
    const check = runKiln(["check", "./typo.ts", "--types-only"], project, env);
    expect(check.status).toBe(1);
    expect(check.stderr).toMatch(/typo\.ts:6:\d+: error TS2551: Property 'htpo' does not exist on type 'DebianPackageSet<"debian-bookworm">'/);
    rmSync(join(project, "typo.ts"));
  }, 60_000);

  it("the project's own tsconfig, as an editor reads it, completes the package names", () => {
    const configFile = ts.readConfigFile(join(project, "tsconfig.json"), (path) => ts.sys.readFile(path));
    const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, project);
    expect(parsed.fileNames).toContain(join(project, "kiln.lock.d.ts"));
    const source = join(project, "kiln.ts");
    const text = `${CONFIG}export const more = deb.nginx`;
    const service = ts.createLanguageService({
      getCompilationSettings: () => parsed.options,
      getScriptFileNames: () => parsed.fileNames,
      getScriptVersion: () => "1",
      getScriptSnapshot: (file) => {
        const content = file === source ? text : ts.sys.readFile(file);
        return content === undefined ? undefined : ts.ScriptSnapshot.fromString(content);
      },
      getCurrentDirectory: () => project,
      getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
      fileExists: (file) => file === source || ts.sys.fileExists(file),
      readFile: (file) => (file === source ? text : ts.sys.readFile(file)),
    });
    const completions = service.getCompletionsAtPosition(source, text.length, { includeCompletionsWithInsertText: true });
    const names = new Set(completions?.entries.map((entry) => entry.name));
    // Editors ask for names that need quoting too, inserted as deb["nginx-light"].
    expect(names.has("nginx-light")).toBe(true);
    expect(names.has("htop")).toBe(true);
    expect(names.size).toBeGreaterThan(50_000);
  }, 60_000);
});

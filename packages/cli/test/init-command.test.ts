/** `kiln init`: a new project from a template, never over an existing file; the Kiln version it records warns when another runs it. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { runKiln } from "./run-kiln.js";

let root = "";
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-init-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

it("writes no file when one it would write exists, and names that one", () => {
  writeFileSync(join(root, "README.md"), "mine\n");
  const run = runKiln(["init"], root);
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/^error: '.*' already has 'README\.md'; kiln init overwrites nothing, so it wrote no file/);
  expect(readdirSync(root)).toEqual(["README.md"]);
  expect(readFileSync(join(root, "README.md"), "utf8")).toBe("mine\n");
});

it("refuses an unknown template, naming the ones there are", () => {
  const run = runKiln(["init", "--template", "flake"], root);
  expect(run.status).toBe(2);
  expect(run.stderr).toBe("error: unknown template 'flake'; the templates are: package, machine, home\n");
  expect(readdirSync(root)).toEqual([]);
});

it("records the Kiln version, and a project made with another version gets one warning naming both", () => {
  expect(runKiln(["init", "--template", "machine"], root).status).toBe(0);
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { type: string; scripts: Record<string, string>; kiln: { version: string } };
  const version = runKiln(["--version"], root).stdout.trim().replace(/^kiln /, "");
  expect(manifest.kiln.version).toBe(version);
  expect(manifest.type).toBe("module");
  expect(Object.keys(manifest.scripts).sort()).toEqual(["build", "check", "switch"]);
  expect(runKiln(["instantiate", "./kiln.ts"], root).stderr).toBe("");

  manifest.kiln.version = "0.0.1";
  writeFileSync(join(root, "package.json"), JSON.stringify(manifest));
  const run = runKiln(["instantiate", "./kiln.ts"], root);
  expect(run.status).toBe(0);
  expect(run.stderr).toBe(`warning: this project was made with Kiln 0.0.1 (${join(root, "package.json")}), but this is Kiln ${version}; it may need changes (or install Kiln 0.0.1)\n`);
});

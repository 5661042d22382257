/**
 * Errors and locations point at the line and column of the key that made a
 * definition, in object modules and module functions alike, through the
 * real CLI on files with known line numbers.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKiln } from "./run-kiln.js";

const made: string[] = [];
afterAll(() => {
  for (const root of made) rmSync(root, { recursive: true, force: true });
});

function project(text: string): string {
  const root = mkdtempSync(join(tmpdir(), "kiln-positions-"));
  made.push(root);
  writeFileSync(join(root, "kiln.ts"), text);
  return root;
}

// Line 8, column 7: `hostNmae`; line 14, column 7: `port`.
const source = [
  `import { defineModule, evalModules, mkOption, types } from "@kiln/modules";`,
  `const options = defineModule({ options: { networking: { hostName: mkOption({ type: types.str, default: "x" }) }, server: { port: mkOption({ type: types.port, default: 80 }) } } });`,
  `const misspelt = defineModule((args) => {`,
  `  const name = String(Object.keys(args).length);`,
  `  return {`,
  `    config: {`,
  `      networking: {`,
  `      hostNmae: name,`,
  `      },`,
  `    },`,
  `  };`,
  `});`,
  `const fine = defineModule(() => ({ config: { server: {`,
  `      port: 8080,`,
  `} } }));`,
  `export const broken = evalModules({ modules: [options, misspelt] });`,
  `export const working = evalModules({ modules: [options, fine] });`,
  "",
].join("\n");

describe("error positions", () => {
  it("a misspelt option in a module function is reported at its key's line and column at run time", () => {
    const root = project(source);
    const run = runKiln(["eval", "kiln.ts#broken.config.networking"], root);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error: The option `networking\.hostNmae' does not exist\. Did you mean `networking\.hostName'\?/);
    expect(run.stderr).toContain("In `kiln.ts:8:7'");
  });
  it("kiln options gives the line and column of the definition, not of the module", () => {
    const root = project(source);
    const run = runKiln(["options", "kiln.ts#working", "server.port"], root);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/\n {2}defined in: kiln\.ts:14:7\n$/);
  });
});

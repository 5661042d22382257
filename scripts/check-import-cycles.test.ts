/**
 * The import-circle check of the test command, run as CI runs it (a real
 * `node` process) over small source trees written for each case.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const script = join(dirname(fileURLToPath(import.meta.url)), "check-import-cycles.js");
const trees: string[] = [];

/** A checkout holding `files` (path → content). */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "kiln-cycles-"));
  trees.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

function check(root: string, ...flags: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [script, "--root", root, ...flags], { encoding: "utf8" });
  return { status: result.status, output: result.stdout + result.stderr };
}

afterEach(() => {
  for (const root of trees.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe("check-import-cycles", () => {
  it("fails on two files that import each other, naming both and the imports that tie them", () => {
    const root = tree({
      "packages/a/src/one.ts": 'import { two } from "./two.js";\nexport const one = () => two;\n',
      "packages/a/src/two.ts": 'import { one } from "./one.js";\nexport const two = () => one;\n',
      "packages/a/src/three.ts": 'import { one } from "./one.js";\nexport const three = one;\n',
    });
    const { status, output } = check(root);
    expect(status).toBe(1);
    expect(output).toContain("import circle (2 files):");
    expect(output).toContain("packages/a/src/one.ts -> packages/a/src/two.ts");
    expect(output).toContain("packages/a/src/two.ts -> packages/a/src/one.ts");
    expect(output).not.toContain("three.ts ->");
  });

  it("passes a tree without circles, where a dynamic import() back does not count", () => {
    const root = tree({
      "packages/a/src/one.ts": 'import { two } from "./two.js";\nexport const one = () => two;\n',
      "packages/a/src/two.ts": 'export const two = async () => (await import("./one.js")).one;\n',
    });
    const { status, output } = check(root);
    expect(status).toBe(0);
    expect(output).toContain("0 circle(s), 0 not allowed");
  });

  it("counts a circle made by a type-only import, unless asked for runtime imports only", () => {
    const root = tree({
      "packages/a/src/one.ts": 'import { two } from "./two.js";\nexport interface One { readonly n: number }\nexport const one = two;\n',
      "packages/a/src/two.ts": 'import type { One } from "./one.js";\nexport const two = (value: One): number => value.n;\n',
    });
    expect(check(root).status).toBe(1);
    const runtime = check(root, "--runtime-only");
    expect(runtime.status).toBe(0);
    expect(runtime.output).toContain("type-only imports left out");
  });

  it("follows workspace package names to their src, so a circle between packages counts", () => {
    const root = tree({
      "packages/x/package.json": JSON.stringify({ name: "@t/x" }),
      "packages/x/src/index.ts": 'import { y } from "@t/y";\nexport const x = () => y;\n',
      "packages/y/package.json": JSON.stringify({ name: "@t/y" }),
      "packages/y/src/index.ts": 'export { x as y } from "@t/x";\n',
    });
    const { status, output } = check(root);
    expect(status).toBe(1);
    expect(output).toContain("packages/x/src/index.ts -> packages/y/src/index.ts");
    expect(output).toContain("packages/y/src/index.ts -> packages/x/src/index.ts");
  });
});

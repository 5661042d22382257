/**
 * Every TypeScript sample of the guides and the README type-checks (with
 * the project's strict settings, against the real `@kiln/*` packages) and
 * runs: it is loaded as a config and every derivation it exports is
 * instantiated, as `kiln instantiate` does. A sample that shows a mistake
 * must fail with the error it names. So the docs cannot rot.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { evaluateInstallable, findDerivations } from "@kiln/core";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractCodeBlocks, guideLineOf, type CodeBlock } from "../src/code-blocks.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const builderDir = join(root, "docs/builder");
const guides = [...readdirSync(join(root, "docs")).filter((name) => name.endsWith(".md")).map((name) => `docs/${name}`), "README.md"];
const blocks = guides.flatMap((guide) => extractCodeBlocks(readFileSync(join(root, guide), "utf8"), guide));

function sampleFile(block: CodeBlock): string {
  const name = `.docs-sample-${block.guide.replace(/[^\w]+/g, "-")}-${block.index}.ts`;
  return join(root, block.dir ?? "docs/builder/.code-blocks", name);
}

function describeBlock(block: CodeBlock): string {
  return `${block.guide}:${guideLineOf(block, 1)} (sample ${block.index})`;
}

const diagnostics = new Map<CodeBlock, ts.Diagnostic[]>();

beforeAll(() => {
  rmSync(join(builderDir, ".code-blocks"), { recursive: true, force: true });
  for (const block of blocks) {
    mkdirSync(dirname(sampleFile(block)), { recursive: true });
    writeFileSync(sampleFile(block), `${block.code}\n`);
  }
  const config = ts.readConfigFile(join(root, "tsconfig.base.json"), (file) => ts.sys.readFile(file));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root, { noEmit: true, composite: false, declaration: false, declarationMap: false, sourceMap: false });
  const program = ts.createProgram(blocks.map(sampleFile), options);
  const all = ts.getPreEmitDiagnostics(program);
  for (const block of blocks) {
    const file = sampleFile(block);
    diagnostics.set(block, all.filter((diagnostic) => diagnostic.file !== undefined && resolve(diagnostic.file.fileName) === file));
  }
}, 120_000);

afterAll(() => {
  for (const block of blocks) if (block.dir !== undefined) rmSync(sampleFile(block), { force: true });
});

function explain(block: CodeBlock, list: readonly ts.Diagnostic[]): string {
  return list
    .map((diagnostic) => {
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      return `${block.guide}:${guideLineOf(block, line + 1)}: TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
    })
    .join("\n");
}

describe("the guides' TypeScript samples", () => {
  it("are found in every guide that has them, and few are only type-checked", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(15);
    for (const guide of ["docs/getting-started.md", "docs/pkgs.md", "docs/modules.md", "docs/machines.md", "docs/realisers.md", "docs/fetchers.md"]) {
      expect(blocks.some((block) => block.guide === guide), guide).toBe(true);
    }
    const unrun = blocks.filter((block) => block.mode === "typecheck-only");
    expect(unrun.length, unrun.map(describeBlock).join(", ")).toBeLessThanOrEqual(Math.ceil(blocks.length / 4));
  });

  for (const block of blocks) {
    it(`${describeBlock(block)} ${block.mode === "type-error" ? `fails with ${block.expectedError}` : block.mode === "run" ? "type-checks and runs" : `type-checks (${block.reason})`}`, async () => {
      const found = diagnostics.get(block) ?? [];
      if (block.mode === "type-error") {
        expect(found.map((diagnostic) => `TS${diagnostic.code}`), explain(block, found)).toContain(block.expectedError);
        return;
      }
      expect(explain(block, found)).toBe("");
      if (block.mode === "run") {
        const previous = process.cwd();
        process.chdir(dirname(sampleFile(block)));
        try {
          // Evaluated like `kiln instantiate`, but a sample of the module system alone may make no derivations.
          findDerivations(await evaluateInstallable(sampleFile(block)));
        } finally {
          process.chdir(previous);
        }
      }
    });
  }
});

import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  derivation,
  hashDerivationModulo,
  parseAterm,
  printAterm,
  setStoreDir,
  setWarningHandler,
  toShowDerivation,
  type DerivationAttrs,
  type HashModulo,
} from "../src/index.js";
import { materialiseSources, readFixture, SpecEvaluator, type DerivationFixtures } from "./conformance-fixtures.js";

const fixtures = readFixture<DerivationFixtures>("derivations.json");
let sourcesDir = "";
let evaluator: SpecEvaluator;

beforeAll(() => {
  setStoreDir(fixtures.storeDir);
  setWarningHandler(() => {});
  sourcesDir = materialiseSources(fixtures);
  evaluator = new SpecEvaluator(fixtures, sourcesDir);
});

afterAll(() => {
  setWarningHandler(undefined);
  rmSync(sourcesDir, { recursive: true, force: true });
});

describe("derivations match Nix 2.8 byte for byte", () => {
  it.each(fixtures.cases.map((testCase) => [`${testCase.spec.id} ${testCase.spec.tags.join(",")}`, testCase] as const))("%s", (_label, testCase) => {
    const made = derivation(evaluator.attrs(testCase.spec) as unknown as DerivationAttrs);
    evaluator.derivations.set(testCase.spec.id, made);
    expect(made.aterm).toBe(testCase.aterm);
    expect(made.drvPath).toBe(testCase.drvPath);
    expect(Object.fromEntries(Object.entries(made.outputs).map(([name, output]) => [name, output.path]))).toEqual(testCase.outputs);
    expect(JSON.parse(JSON.stringify(toShowDerivation(made.drv)))).toEqual(testCase.showDerivation);
    expect([...made.hashModulo.values()][0]?.toBase16()).toBe(testCase.derived.drvHashModulo);
    if (testCase.derived.maskedDrvHash !== undefined) {
      const resolve = (path: string): HashModulo => {
        const input = [...evaluator.derivations.values()].find((candidate) => candidate.drvPath === path);
        if (input === undefined) throw new Error(`unknown input ${path}`);
        return input.hashModulo;
      };
      const masked = hashDerivationModulo(made.drv, resolve, true);
      expect([...masked.values()][0]?.toBase16()).toBe(testCase.derived.maskedDrvHash);
    }
  });
});

describe("the ATerm parser", () => {
  it.each(fixtures.cases.map((testCase) => [testCase.spec.id, testCase.aterm] as const))("reads %s back to the same bytes", (_id, aterm) => {
    expect(printAterm(parseAterm(aterm))).toBe(aterm);
  });
});

describe("text files", () => {
  it("builtins.toFile paths match", () => {
    for (const [id, text] of Object.entries(fixtures.texts)) {
      expect(evaluator.expand(`{{text:${id}}}`), id).toBe(text.path);
    }
  });

  it("local sources get the paths nix copied them to", () => {
    for (const [relative, storePath] of Object.entries(fixtures.sourcePaths)) {
      expect(evaluator.expand(`{{src:${relative}}}`), relative).toBe(storePath);
    }
  });
});

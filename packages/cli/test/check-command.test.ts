/** `kiln check`: the TypeScript compiler over a config, errors with their positions, before anything runs. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { runKiln } from "./run-kiln.js";

let root = "";
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-check-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

it("passes a well-typed config that imports a sibling without an extension and uses Node's types", () => {
  writeFileSync(join(root, "common.ts"), `export const greeting: string = "hi";\n`);
  writeFileSync(
    join(root, "kiln.ts"),
    `import { derivation, fetchurl } from "@kiln/core";
import { join } from "node:path";
import { greeting } from "./common";
const src = fetchurl({ url: "https://example.org/a.tar.gz", hash: "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" });
export default derivation({ name: "ok", system: "x86_64-linux", builder: "/bin/sh", args: ["-c", join("a", greeting)], src });
`,
  );
  const run = runKiln(["check", "kiln.ts"], root);
  expect(run.stderr).toBe("kiln.ts: no type errors\n");
  expect(run.status).toBe(0);
});

it("reports misspelt arguments and wrong value types at their line and column", () => {
  const file = join(root, "kiln.ts");
  writeFileSync(
    file,
    `import { fetchFromGitHub, fetchurl } from "@kiln/core";
const a = fetchurl({ url: "https://example.org/a.tar.gz", hsah: "" });
const b = fetchFromGitHub({ owner: "o", repo: "r", rev: 42, hash: "" });
export default [a, b];
`,
  );
  const run = runKiln(["check", "kiln.ts"], root);
  expect(run.status).toBe(1);
  const lines = run.stderr.trim().split("\n");
  expect(lines[0]).toMatch(new RegExp(`^${file}:2:59: error TS2353: Object literal may only specify known properties, and 'hsah' does not exist`));
  expect(lines[1]).toMatch(new RegExp(`^${file}:3:52: error TS2322: Type 'number' is not assignable to type 'string'`));
  expect(lines.at(-1)).toBe("kiln.ts: 2 type errors");
});

it("catches a misspelt option in a machine of the modules example, outside any Node project", () => {
  const example = fileURLToPath(new URL("../../../examples/modules", import.meta.url));
  cpSync(example, root, { recursive: true, filter: (source) => !source.includes("node_modules") && !source.endsWith(".test.ts") });
  const studio = join(root, "machines", "studio.ts");
  writeFileSync(studio, readFileSync(studio, "utf8").replace('hostName: "studio"', 'hostNmae: "studio"'));
  const run = runKiln(["check", "kiln.ts"], root);
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(new RegExp(`^${studio}:\\d+:\\d+: error TS2353: Object literal may only specify known properties, but 'hostNmae' does not exist in type '.*'\\. Did you mean to write 'hostName'\\?`));
});

it("reports a misspelt option inside a module function at the key's line and column, with a suggestion", () => {
  const file = join(root, "kiln.ts");
  writeFileSync(
    file,
    [
      `import { defineMachineModule } from "@kiln/modules";`,
      `export const web = defineMachineModule(({ pkgs }) => ({`,
      `  config: {`,
      `    environment: { systemPackages: [] },`,
      `    networking: {`,
      `      hostNmae: String(Object.keys(pkgs).length),`,
      `    },`,
      `  },`,
      `}));`,
      "",
    ].join("\n"),
  );
  const run = runKiln(["check", "kiln.ts"], root);
  expect(run.status).toBe(1);
  const lines = run.stderr.trim().split("\n");
  expect(lines[0]).toMatch(new RegExp(`^${file}:6:7: error TS2353: Object literal may only specify known properties, but 'hostNmae' does not exist in type '.*'\\. Did you mean to write 'hostName'\\?$`));
  expect(lines.at(-1)).toBe("kiln.ts: 1 type error");
});

it("reports a misspelt mkDerivation attribute with a suggestion, in an object and in a finalAttrs function", () => {
  const file = join(root, "kiln.ts");
  writeFileSync(
    file,
    [
      `import { stdenv } from "@kiln/pkgs";`,
      `export const a = stdenv.mkDerivation({ pname: "a", version: "1", dontUnpak: true, NIX_CFLAGS_COMPILE: "-O2" });`,
      `export const b = stdenv.mkDerivation((finalAttrs) => ({`,
      `  pname: "b",`,
      `  version: "1",`,
      `  dontUnpak: true,`,
      `  NIX_X: String(finalAttrs.version),`,
      `}));`,
      `export const c = [1].map((n) => ({ n, notChecked: true }));`,
      "",
    ].join("\n"),
  );
  const run = runKiln(["check", "kiln.ts"], root);
  expect(run.status).toBe(1);
  const lines = run.stderr.trim().split("\n");
  const typo = "error TS2353: Object literal may only specify known properties, but 'dontUnpak' does not exist in type 'MkDerivationAttrs<NoPassthru>'. Did you mean to write 'dontUnpack'?";
  expect(lines).toEqual([`${file}:2:66: ${typo}`, `${file}:6:3: ${typo}`, "kiln.ts: 2 type errors"]);
});

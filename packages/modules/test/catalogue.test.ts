/**
 * The module-system catalogue (see `catalogue/scenarios.ts`): every scenario
 * evaluated by Kiln gives what real Nix with nixpkgs' `lib` gave, the same
 * value or an error with the same text.
 *
 * Nix's results are recorded in `catalogue/expected.json` (the tests here run
 * without Nix or nixpkgs). With `NIXPKGS_LIB` set to a copy of nixpkgs' lib
 * (the directory holding `lib/`) and `KILN_CATALOGUE_RECORD=1`, this file
 * runs Nix and rewrites the recording instead: see `catalogue/record.sh`.
 *
 * An error matches when Kiln's message contains the first sentence of
 * Nix's (up to the first `. ` or line end): the rest lists definitions with
 * file names that differ (Nix shows `<unknown-file>` for anonymous modules
 * where Kiln shows the source line), and Kiln puts "Did you mean" before
 * the definitions rather than after them.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setWarningHandler } from "@kiln/core";
import { describe, expect, it } from "vitest";
import { scenarios } from "./catalogue/scenarios.js";

/** One recorded outcome: a value or an error message, and what Nix traced (`trace:` lines) on the way. */
interface Outcome {
  readonly value?: unknown;
  readonly error?: string;
  readonly traces: readonly string[];
}

interface Recording {
  readonly nix: string;
  readonly nixpkgsLib: string;
  readonly command: string;
  readonly results: Readonly<Record<string, Outcome>>;
}

const expectedFile = fileURLToPath(new URL("./catalogue/expected.json", import.meta.url));
const nixpkgsLib = process.env["NIXPKGS_LIB"];
const record = process.env["KILN_CATALOGUE_RECORD"] === "1";
const COMMAND = "nix-instantiate --eval --strict --json --option substituters '' --expr 'let lib = import $NIXPKGS_LIB/lib; inherit (lib) types mkOption; in <scenario>'";

/** Nix's message without `error: `, the indentation of its continuation lines, and the `--show-trace` hint. */
function nixMessage(stderr: string): { readonly error: string; readonly traces: string[] } {
  const lines = stderr.split("\n");
  const traces = lines.filter((line) => line.startsWith("trace: ")).map((line) => line.slice("trace: ".length));
  const start = lines.findIndex((line) => line.startsWith("error: ") || line === "error:");
  const body = lines.slice(start).filter((line) => !line.startsWith("(use '--show-trace'"));
  const error = body
    .map((line, index) => (index === 0 ? line.replace(/^error: ?/, "") : line.replace(/^ {7}/, "")))
    .join("\n")
    .trim();
  return { error, traces };
}

function runNix(expression: string, lib: string): Outcome {
  const result = spawnSync("nix-instantiate", ["--eval", "--strict", "--json", "--option", "substituters", "", "--expr", `let lib = import ${join(lib, "lib")}; inherit (lib) types mkOption; in ${expression}`], {
    encoding: "utf8",
    env: { ...process.env, NIX_REMOTE: "" },
  });
  if (result.status === 0) return { value: JSON.parse(result.stdout) as unknown, traces: nixMessage(result.stderr).traces };
  return nixMessage(result.stderr);
}

function runKiln(run: () => unknown): Outcome {
  const traces: string[] = [];
  setWarningHandler((message) => traces.push(message));
  try {
    return { value: JSON.parse(JSON.stringify(run())) as unknown, traces };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error), traces };
  } finally {
    setWarningHandler(undefined);
  }
}

/** The first sentence of a message: up to the first `. ` (kept with its full stop) or the end of the first line. */
function firstSentence(message: string): string {
  const line = message.trim().split("\n")[0] ?? "";
  const end = line.indexOf(". ");
  return end === -1 ? line : line.slice(0, end + 1);
}

describe.skipIf(!record)("recording the catalogue with Nix", () => {
  it("runs every scenario with nixpkgs' lib and writes expected.json", () => {
    if (nixpkgsLib === undefined) throw new Error("NIXPKGS_LIB must point at a copy of nixpkgs' lib to record the catalogue");
    const version = spawnSync("nix-instantiate", ["--version"], { encoding: "utf8" }).stdout.trim();
    const libVersion = readFileSync(join(nixpkgsLib, "lib", ".version"), "utf8").trim();
    const results: Record<string, Outcome> = {};
    for (const scenario of scenarios) results[scenario.name] = runNix(scenario.nix, nixpkgsLib);
    // NIXPKGS_LIB_SOURCE says where the copy came from (repository and commit), when known.
    const source = process.env["NIXPKGS_LIB_SOURCE"];
    const recording: Recording = { nix: version, nixpkgsLib: `nixpkgs lib ${libVersion}${source === undefined ? "" : ` (${source})`}`, command: COMMAND, results };
    writeFileSync(expectedFile, `${JSON.stringify(recording, null, 2)}\n`);
  });
});

describe.skipIf(record)("the module-system catalogue: Kiln gives what Nix with nixpkgs' lib gave", () => {
  const recording: Recording = record ? { nix: "", nixpkgsLib: "", command: "", results: {} } : (JSON.parse(readFileSync(expectedFile, "utf8")) as Recording);
  it("every scenario is recorded", () => {
    expect(Object.keys(recording.results).sort()).toEqual(scenarios.map((scenario) => scenario.name).sort());
  });
  for (const scenario of scenarios) {
    it(scenario.name, () => {
      const nix = recording.results[scenario.name];
      if (nix === undefined) throw new Error(`scenario not recorded: ${scenario.name}; run catalogue/record.sh`);
      const kiln = runKiln(scenario.kiln);
      if (nix.error === undefined) {
        expect(kiln.error).toBeUndefined();
        expect(kiln.value).toEqual(nix.value);
      } else {
        expect(kiln.error ?? `no error; value ${JSON.stringify(kiln.value)}`).toContain(firstSentence(nix.error));
      }
      expect(kiln.traces).toEqual(nix.traces);
    });
  }
});

/**
 * Options are read once, with their types, before a command does anything:
 * a value that does not fit, an unknown option and a missing value are each
 * refused with one error naming the option (exit code 2), through the real
 * CLI, before any config is evaluated or any store is opened.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runKiln } from "./run-kiln.js";

let work = "";
let env: NodeJS.ProcessEnv = {};

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "kiln-option-values-"));
  env = { KILN_STORE_DIR: join(work, "store", "store") };
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs kiln and expects exactly `message` (and, from the parser, the hint to the command's help), with nothing evaluated or opened. */
function refused(args: readonly string[], message: string, hint = false): void {
  const run = runKiln(args, work, env);
  expect(run.status, run.stderr).toBe(2);
  expect(run.stderr).toBe(`error: ${message}\n${hint ? `(run 'kiln ${args[0]} --help' for its options)\n` : ""}`);
  expect(run.stdout).toBe("");
  // The config does not exist: the option was refused before anything looked for it, and no store was made.
  expect(existsSync(join(work, "store"))).toBe(false);
}

describe("an option value of the wrong type", () => {
  it("-j abc is refused naming --max-jobs", () => refused(["build", "missing.ts", "-j", "abc"], "--max-jobs needs a positive whole number, not 'abc'"));
  it("--timeout x is refused naming --timeout", () => refused(["build", "missing.ts", "--timeout", "x"], "--timeout needs a positive whole number of seconds, not 'x'"));
  it("--realiser with an unknown name is refused with the names it takes", () => refused(["switch", "--realiser", "remote"], "unknown realiser 'remote' (expected one of local, nix, dry-run)"));
  it("a global option (--eval-timeout soon) is refused by any command", () => refused(["eval", "missing.ts", "--eval-timeout", "soon"], "--eval-timeout takes a positive number, not 'soon'"));
  it("rollback --to 0 is refused naming --to", () => refused(["rollback", "--to", "0"], "--to needs a generation number, not '0'"));
  it("graph --format svg is refused with the formats it takes", () => refused(["graph", "missing.ts", "--format", "svg"], "unknown graph format 'svg' (expected dot, mermaid or json)"));
});

describe("an option the command does not have", () => {
  it("is refused naming it", () => refused(["build", "missing.ts", "--bogus"], "Unknown option '--bogus'", true));
  it("with a value missing is refused naming the option", () => refused(["build", "missing.ts", "-j"], "Option '-j, --max-jobs <value>' argument missing", true));
});

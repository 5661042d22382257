/**
 * Every way a config can go wrong ends the same way through the real CLI: a
 * non-zero exit, one line `error: FILE:LINE:COL: what is wrong` naming the
 * user's file where there is one, and none of Kiln's own frames (those come
 * with --show-trace only).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KILN_BIN, runKiln } from "./run-kiln.js";

const made: string[] = [];
afterAll(() => {
  for (const root of made) rmSync(root, { recursive: true, force: true, maxRetries: 3 });
});

/** A directory outside any Node project holding `files`, with its own config cache and store. */
function project(files: Record<string, string>): { root: string; env: NodeJS.ProcessEnv } {
  const root = mkdtempSync(join(tmpdir(), "kiln-bad-config-"));
  made.push(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, ".."), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return { root, env: { KILN_CACHE_DIR: join(root, ".cache"), KILN_STORE_DIR: join(root, "store") } };
}

const DERIVATION = `import { derivation } from "@kiln/core";
const slow = derivation({ name: "slow", system: "x86_64-linux", builder: "/bin/sh", PATH: "/usr/bin:/bin", args: ["-c", "sleep 5; echo > $out"] });
export default { slow };
`;

interface BadConfig {
  /** What is wrong. */
  readonly name: string;
  /** `kiln.ts` (and other files) of the project. */
  readonly files: Record<string, string>;
  /** The command line; `instantiate kiln.ts` by default. */
  readonly args?: readonly string[];
  /** The exit status (1 unless said). */
  readonly status?: number;
  /** A fragment of the error line. */
  readonly message: string | RegExp;
  /** `file:line` the error names, or null where the mistake has no line. */
  readonly at: string | null;
}

const CASES: readonly BadConfig[] = [
  // Found before anything runs.
  { name: "a TypeScript syntax error", files: { "kiln.ts": `import { derivation } from "@kiln/core";\nexport default {\n  a: derivation({ name: "x",\n` }, message: "Expected identifier but found end of file", at: "kiln.ts:4" },
  { name: "a syntax error in an imported file", files: { "kiln.ts": `import { x } from "./broken";\nexport default x;\n`, "broken.ts": "export const x = {\n  a: 1,,\n};\n" }, message: "Expected identifier", at: "broken.ts:2" },
  { name: "an import of a missing file", files: { "kiln.ts": `import { x } from "./nothere";\nexport default { x };\n` }, message: "Cannot find module", at: "kiln.ts:1" },
  { name: "an import of a package that is not installed", files: { "kiln.ts": `\nimport thing from "not-installed-anywhere";\nexport default thing;\n` }, message: "Cannot find package 'not-installed-anywhere'", at: "kiln.ts:2" },
  { name: "an import of a name the package does not export, with the near one", files: { "kiln.ts": `import { derivationz } from "@kiln/core";\nexport default derivationz({});\n` }, message: "'@kiln/core' has no export named 'derivationz'. Did you mean 'derivation'?", at: "kiln.ts:1" },
  {
    name: "a circular import between the user's files, naming both",
    files: { "kiln.ts": `import { b } from "./b";\nexport const a = 1;\nexport default { a, b };\n`, "b.ts": `import { a } from "./kiln";\nexport const b = a + 1;\n` },
    message: "circular import: kiln.ts imports b.ts, which imports kiln.ts",
    at: "b.ts:1",
  },
  { name: "a config file that does not exist", files: { "other.ts": "export default 1;\n" }, message: /config file '.*kiln\.ts' does not exist/, at: null },
  // Thrown while the config runs.
  { name: "an Error thrown at top level", files: { "kiln.ts": `function helper(): never {\n  throw new Error("boom");\n}\nexport default { a: helper() };\n` }, message: "boom", at: "kiln.ts:2" },
  { name: "an Error thrown in an imported file", files: { "kiln.ts": `import { fail } from "./fail";\nexport default fail();\n`, "fail.ts": `export function fail(): never {\n  throw new Error("nope");\n}\n` }, message: "nope", at: "fail.ts:2" },
  { name: "a TypeError from the user's code", files: { "kiln.ts": `const settings: { port?: { value: number } } = {};\nexport default { port: settings.port!.value };\n` }, message: "TypeError", at: "kiln.ts:2" },
  { name: 'throw "text"', files: { "kiln.ts": `const a = 1;\nthrow "text";\nexport default { a };\n` }, message: 'threw "text"', at: "kiln.ts:2" },
  { name: "throw null", files: { "kiln.ts": `export default {};\nthrow null;\n` }, message: "threw null", at: "kiln.ts:2" },
  { name: "throw undefined", files: { "kiln.ts": `export const x = 1;\n\nthrow undefined;\n` }, message: "threw undefined", at: "kiln.ts:3" },
  { name: "a default export function that throws", files: { "kiln.ts": `export default () => {\n  throw new Error("from the function");\n};\n` }, message: "from the function", at: "kiln.ts:2" },
  { name: "a default export promise that rejects", files: { "kiln.ts": `export default Promise.reject(new Error("rejected"));\n` }, message: "rejected", at: "kiln.ts:1" },
  { name: "a getter that throws", files: { "kiln.ts": `export default {\n  get pkg() {\n    throw new Error("lazy failure");\n  },\n};\n` }, message: "lazy failure", at: "kiln.ts:3" },
  { name: 'require("fs") in an ES module', files: { "kiln.ts": `const fs = require("fs");\nexport default { a: fs.existsSync("/") };\n` }, message: `require("fs") does not work in a config`, at: "kiln.ts:1" },
  { name: "an invalid derivation name", files: { "kiln.ts": `import { derivation } from "@kiln/core";\n\nexport default {\n  bad: derivation({ name: "hello world", system: "x", builder: "/bin/sh" }),\n};\n` }, message: 'invalid derivation name "hello world"', at: "kiln.ts:4" },
  { name: "an invalid hash", files: { "kiln.ts": `import { derivation } from "@kiln/core";\nexport default derivation({\n  name: "src", system: "x", builder: "/bin/sh",\n  outputHash: "sha256-abc",\n});\n` }, message: "has wrong length for hash type 'sha256'", at: "kiln.ts:2" },
  {
    name: "a misspelt module option",
    files: { "kiln.ts": `import { evalModules, mkOption, types } from "@kiln/modules";\nconst options = { options: { server: { port: mkOption({ type: types.port, default: 80 }) } } };\nexport const config = evalModules({ modules: [options, { config: { server: { prot: 8080 } } }] }).config;\n` },
    args: ["eval", "kiln.ts#config"],
    message: "The option `server.prot' does not exist. Did you mean `server.port'?",
    at: "kiln.ts:3",
  },
  { name: "a missing attribute", files: { "kiln.ts": `export default { hello: 1 };\n` }, args: ["eval", "kiln.ts#helo"], message: "Did you mean 'hello'?", at: null },
  // Refused: it would end Kiln silently, or hang it.
  { name: "process.exit(0) at top level", files: { "kiln.ts": `import { derivation } from "@kiln/core";\nprocess.exit(0);\nexport default { derivation };\n` }, message: "the config called process.exit(0)", at: "kiln.ts:2" },
  { name: "process.exit() in a getter", files: { "kiln.ts": `export default {\n  get pkg() {\n    return process.exit(3);\n  },\n};\n` }, message: "the config called process.exit(3)", at: "kiln.ts:3" },
  { name: "a top-level await that never settles", files: { "kiln.ts": `const value = 1;\nawait new Promise(() => {});\nexport default { value };\n` }, message: "the config's promise never settled", at: "kiln.ts:2" },
  { name: "a default export promise that never settles", files: { "kiln.ts": `const pending = new Promise(() => {});\nexport default pending;\n` }, message: "the config's promise never settled", at: "kiln.ts:2" },
  { name: "a default export async function that never settles", files: { "kiln.ts": `export default async () => {\n  await new Promise(() => {});\n};\n` }, message: "returns a promise nothing will ever resolve", at: "kiln.ts:1" },
  { name: "an infinite loop at top level", files: { "kiln.ts": `const a = 1;\nwhile (a > 0) {}\nexport default {};\n` }, args: ["instantiate", "kiln.ts", "--eval-timeout", "1"], message: "evaluation did not finish within 1 s (--eval-timeout 1)", at: "kiln.ts:2" },
  { name: "an infinite loop in a getter", files: { "kiln.ts": `export default {\n  get pkg() {\n    for (;;) {}\n  },\n};\n` }, args: ["instantiate", "kiln.ts", "--eval-timeout", "1"], message: "evaluation did not finish within 1 s", at: "kiln.ts:3" },
  { name: "running out of memory", files: { "kiln.ts": `const hoard: number[][] = [];\nfor (;;) hoard.push(new Array(100000).fill(1));\nexport default {};\n` }, args: ["instantiate", "kiln.ts", "--eval-memory", "64"], message: "evaluation ran out of memory (64 MiB)", at: "kiln.ts:2" },
  // Nothing to build is a mistake, not a success.
  { name: "export default 42", files: { "kiln.ts": `export default 42;\n` }, message: "its default export is 42 (a number); a config must `export default` an object of derivations", at: "kiln.ts:1" },
  { name: "no default export", files: { "kiln.ts": `export const hello = 1;\n` }, message: "the config has no default export (only hello", at: "kiln.ts:1" },
  { name: "an empty file", files: { "kiln.ts": "" }, message: "the config exports nothing; a config must `export default`", at: "kiln.ts:1" },
  { name: "an empty object", files: { "kiln.ts": `\nexport default {};\n` }, args: ["build", "kiln.ts"], message: "its default export is an empty object", at: "kiln.ts:2" },
  // Thrown later, in the middle of a build: the build stops, nothing registered.
  { name: "a setTimeout that throws during the build", files: { "kiln.ts": `${DERIVATION}setTimeout(() => {\n  throw new Error("later");\n}, 300);\n` }, args: ["build", "kiln.ts", "--no-sandbox"], message: "later (thrown after the config was loaded", at: "kiln.ts:5" },
  { name: "an unhandled rejection", files: { "kiln.ts": `${DERIVATION}void Promise.reject(new Error("nobody waits"));\n` }, args: ["build", "kiln.ts", "--no-sandbox"], message: "nobody waits (thrown after the config was loaded", at: "kiln.ts:4" },
];

/** Signs of Kiln's own code in an error: stack frames, paths into its packages or Node's internals. */
const INTERNAL = /^\s+at |packages\/(?:core|cli|modules|pkgs)\/|node:internal|\/dist\/|\.cache\/kiln\/configs/m;

describe("a bad config ends with one located error line and a non-zero exit", () => {
  it("covers at least the 31 configs of the report", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(31);
  });

  it.each(CASES)("$name", ({ files, args, status, message, at }) => {
    const { root, env } = project(files);
    const run = runKiln(args ?? ["instantiate", "kiln.ts"], root, env);
    expect(run.status).toBe(status ?? 1);
    expect(run.stdout).toBe("");
    const errors = run.stderr.split("\n").filter((line) => line.startsWith("error: "));
    expect(errors).toHaveLength(1);
    const line = errors[0] as string;
    if (typeof message === "string") expect(line).toContain(message);
    else expect(line).toMatch(message);
    // Module errors name the definition on a line of their own ("In `kiln.ts:3:5'").
    if (at !== null) expect(run.stderr).toMatch(new RegExp(`(?:^error: |In \`)${at.replace(/\./g, "\\.")}:\\d+`, "m"));
    expect(run.stderr).not.toMatch(INTERNAL);
    // A build stopped by the config's own error registers no output and makes no link.
    expect(existsSync(join(root, "result"))).toBe(false);
    if (existsSync(join(root, "store"))) expect(readdirSync(join(root, "store")).filter((name) => !name.endsWith(".drv") && !name.startsWith("."))).toEqual([]);
  });

  it("--show-trace adds Kiln's own frames", () => {
    const { root, env } = project({ "kiln.ts": `export default {};\nthrow null;\n` });
    const run = runKiln(["instantiate", "kiln.ts", "--show-trace"], root, env);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error: kiln\.ts:2:1: threw null/);
    expect(run.stderr).toMatch(/^\s+at .*packages\/(?:formats|store|activation|config|core)\//m);
  });

  it("a bad --eval-timeout is a usage error", () => {
    const { root, env } = project({ "kiln.ts": "export default {};\n" });
    const run = runKiln(["instantiate", "kiln.ts", "--eval-timeout", "soon"], root, env);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--eval-timeout takes a positive number, not 'soon'");
  });
});

describe("stopping an evaluation from outside", () => {
  it("Ctrl-C while a config loops says where it was, and exits 130", async () => {
    const { root, env } = project({ "kiln.ts": `let spins = 0;\nfor (;;) spins++;\nexport default { spins };\n` });
    const child = spawn(process.execPath, [KILN_BIN, "instantiate", "kiln.ts"], { cwd: root, env: { ...process.env, ...env } });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const done = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    // Long enough for the config to be bundled and looping.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    child.kill("SIGINT");
    expect(await done).toBe(130);
    expect(stderr).toMatch(/^error: kiln\.ts:2:\d+: interrupted \(Ctrl-C\) while evaluating the config; it was running here\n$/);
  });

  it("on a terminal, a spinner with the elapsed time shows after a second of evaluation and is gone after", () => {
    const { root, env } = project({ "kiln.ts": `const start = Date.now();\nwhile (Date.now() - start < 2200) {}\nexport default {};\n` });
    const command = `${process.execPath} ${KILN_BIN} eval kiln.ts`;
    const run = spawnSync("script", ["-qec", command, "/dev/null"], { cwd: root, env: { ...process.env, ...env }, encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/evaluating .*kiln\.ts \(1 s\)/);
    // The line is cleared before the value is printed.
    expect(run.stdout).toMatch(/\r\x1b\[K\{ \}/);
  });

  it("without a terminal there is no spinner", () => {
    const { root, env } = project({ "kiln.ts": `const start = Date.now();\nwhile (Date.now() - start < 1300) {}\nexport default {};\n` });
    const run = runKiln(["eval", "kiln.ts"], root, env);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe("");
  });
});

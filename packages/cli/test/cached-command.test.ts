/**
 * The answer from the evaluation cache itself (`runFromEvaluationCache`, what
 * bin/kiln.cjs runs before loading the rest of Kiln), in this process, after
 * a real `kiln build` into a real store: which command lines it answers
 * (undefined means the command itself runs), and that what it says valid is
 * valid in the store's database now, not when the evaluation was cached.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runFromEvaluationCache } from "../src/cached-command.js";
import { runKiln } from "./run-kiln.js";

let root = "";
let config = "";
let built = "";
const saved: Record<string, string | undefined> = {};

/** Runs `argv` from the cache in `root`; its exit status (undefined: not answered) and what it printed. */
async function fromCache(argv: readonly string[]): Promise<{ status: number | undefined; stdout: string }> {
  let stdout = "";
  const sink = (into: (text: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        into(chunk.toString());
        done();
      },
    });
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const status = await runFromEvaluationCache(argv, { stdout: sink((text) => (stdout += text)), stderr: sink(() => undefined) });
    return { status, stdout };
  } finally {
    process.chdir(cwd);
  }
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-cached-command-"));
  config = join(root, "kiln.ts");
  writeFileSync(config, 'import { derivation } from "@kiln/core";\nexport default derivation({ name: "noop", system: "x86_64-linux", builder: "/bin/sh", args: ["-c", "echo hi > $out"] });\n');
  const env = { KILN_CACHE_DIR: join(root, "cache"), KILN_STORE_DIR: join(root, "store"), KILN_STATE_DIR: join(root, "state") };
  const first = runKiln(["build", config, "--no-link"], root, env);
  expect(first.status, first.stderr).toBe(0);
  built = first.stdout;
  // The cache and store this process looks into, as the child's.
  for (const [name, value] of Object.entries(env)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
}, 60_000);

afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  if (root !== "") rmSync(root, { recursive: true, force: true });
});

it("answers a no-op build given how builds would run (-j, -k, --no-sandbox, --sandbox, -L, --timeout, --max-silent-time), which nothing reads when nothing is built", async () => {
  for (const options of [["-j", "2", "--no-sandbox"], ["--max-jobs", "8", "-k", "-L"], ["--sandbox", "--timeout", "60", "--max-silent-time", "5"]]) {
    const answer = await fromCache(["build", config, "--no-link", ...options]);
    expect(answer, options.join(" ")).toEqual({ status: 0, stdout: built });
  }
});

it("leaves to kiln build the options it would judge: a job count or time that is not a positive whole number, --sandbox with --no-sandbox, other realisers", async () => {
  for (const options of [["-j", "0"], ["-j", "two"], ["--timeout", "1.5"], ["--sandbox", "--no-sandbox"], ["--realiser", "nix"], ["--check"]]) {
    expect((await fromCache(["build", config, "--no-link", ...options])).status, options.join(" ")).toBeUndefined();
  }
});

it("never answers for an output the garbage collector removed since the evaluation was cached", async () => {
  expect((await fromCache(["build", config, "--no-link"])).status).toBe(0);
  const gc = runKiln(["gc"], root, { KILN_CACHE_DIR: join(root, "cache"), KILN_STORE_DIR: join(root, "store"), KILN_STATE_DIR: join(root, "state") });
  expect(gc.status, gc.stderr).toBe(0);
  expect(gc.stdout + gc.stderr).toContain(built.trim());
  expect(await fromCache(["build", config, "--no-link"])).toEqual({ status: undefined, stdout: "" });
});

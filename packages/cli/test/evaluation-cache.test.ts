/**
 * The evaluation cache through the real CLI: an unchanged config is not
 * evaluated again, and every kind of input it read (an imported file, an
 * environment variable, a `path()` source, the lock file) makes it
 * evaluated again when changed. What Kiln cannot track is never cached, nor
 * is a failure; `-v` says which and why.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKiln, type KilnRun } from "./run-kiln.js";

const made: string[] = [];
afterAll(() => {
  for (const root of made) rmSync(root, { recursive: true, force: true, maxRetries: 3 });
});

/** A project holding `files`, with its own caches and store. */
function project(files: Record<string, string>): { root: string; env: NodeJS.ProcessEnv; write: (name: string, text: string) => void } {
  const root = mkdtempSync(join(tmpdir(), "kiln-eval-cache-"));
  made.push(root);
  const write = (name: string, text: string): void => {
    mkdirSync(join(root, name, ".."), { recursive: true });
    writeFileSync(join(root, name), text);
  };
  for (const [name, text] of Object.entries(files)) write(name, text);
  return { root, env: { KILN_CACHE_DIR: join(root, ".cache"), KILN_STORE_DIR: join(root, "store"), KILN_STATE_DIR: join(root, "state") }, write };
}

/** `kiln instantiate --read-only -v` of the project's kiln.ts. */
function instantiate(root: string, env: NodeJS.ProcessEnv, ...more: string[]): KilnRun {
  const run = runKiln(["instantiate", "kiln.ts", "--read-only", "-v", ...more], root, env);
  if (run.status !== 0) throw new Error(`kiln instantiate failed: ${run.stderr}`);
  return run;
}

const REUSED = "evaluation cache: reused the last evaluation";

const ENV_CONFIG = `import { derivation } from "@kiln/core";
import { word } from "./lib";
export default derivation({ name: "greeting", system: "x86_64-linux", builder: "/bin/sh", args: ["-c", \`echo \${word} \${process.env["GREETING"] ?? "hello"} > $out\`] });
`;

describe("the evaluation cache", () => {
  it("reuses the evaluation of an unchanged config, giving the same paths", () => {
    const { root, env } = project({ "kiln.ts": ENV_CONFIG, "lib.ts": `export const word = "one";\n` });
    const first = instantiate(root, env);
    expect(first.stderr).toContain("evaluation cache: evaluating (no cached evaluation)");
    expect(first.stderr).toContain("evaluation cache: saved this evaluation");
    const second = instantiate(root, env);
    expect(second.stderr).toContain(REUSED);
    expect(second.stdout).toBe(first.stdout);
  });

  it("evaluates again when an imported file is edited", () => {
    const { root, env, write } = project({ "kiln.ts": ENV_CONFIG, "lib.ts": `export const word = "one";\n` });
    const first = instantiate(root, env);
    write("lib.ts", `export const word = "two";\n`);
    const second = instantiate(root, env);
    expect(second.stderr).toContain(`'${join(root, "lib.ts")}' changed`);
    expect(second.stdout).not.toBe(first.stdout);
    expect(instantiate(root, env).stderr).toContain(REUSED);
  });

  it("evaluates again when an environment variable the config reads changes, and not for one it does not read", () => {
    const { root, env } = project({ "kiln.ts": ENV_CONFIG, "lib.ts": `export const word = "one";\n` });
    const first = instantiate(root, { ...env, GREETING: "hi" });
    const unrelated = instantiate(root, { ...env, GREETING: "hi", SOMETHING_ELSE: "x" });
    expect(unrelated.stderr).toContain(REUSED);
    const changed = instantiate(root, { ...env, GREETING: "bye" });
    expect(changed.stderr).toContain("environment variable GREETING changed");
    expect(changed.stdout).not.toBe(first.stdout);
    const unset = instantiate(root, env);
    expect(unset.stderr).toContain("environment variable GREETING changed");
  });

  it("evaluates again when a path() source's contents change, and not when only its time does", () => {
    const { root, env, write } = project({
      "kiln.ts": `import { derivation, path } from "@kiln/core";\nexport default derivation({ name: "src", system: "x86_64-linux", builder: "/bin/sh", args: ["-c", "cp -r $src $out"], src: path("./src") });\n`,
      "src/a.txt": "one\n",
    });
    const first = instantiate(root, env);
    const later = new Date(Date.now() + 5000);
    utimesSync(join(root, "src", "a.txt"), later, later);
    expect(instantiate(root, env).stderr).toContain(REUSED);
    write("src/a.txt", "two\n");
    const changed = instantiate(root, env);
    expect(changed.stderr).toContain(`path() source '${join(root, "src")}' changed`);
    expect(changed.stdout).not.toBe(first.stdout);
  });

  it("evaluates again when kiln.lock changes", () => {
    const { root, env, write } = project({ "kiln.ts": ENV_CONFIG, "lib.ts": `export const word = "one";\n`, "kiln.lock": `{"version":1,"inputs":{}}\n` });
    instantiate(root, env);
    expect(instantiate(root, env).stderr).toContain(REUSED);
    write("kiln.lock", `{"version":1,"inputs":{"x":{}}}\n`);
    expect(instantiate(root, env).stderr).toContain(`'${join(root, "kiln.lock")}' changed`);
    rmSync(join(root, "kiln.lock"));
    expect(instantiate(root, env).stderr).toContain(`'${join(root, "kiln.lock")}' changed`);
  });

  it("is off with --no-eval-cache and with KILN_EVAL_CACHE=0", () => {
    const { root, env } = project({ "kiln.ts": ENV_CONFIG, "lib.ts": `export const word = "one";\n` });
    instantiate(root, env);
    expect(instantiate(root, env, "--no-eval-cache").stderr).toContain("evaluation cache: off");
    expect(instantiate(root, { ...env, KILN_EVAL_CACHE: "0" }).stderr).toContain("evaluation cache: off");
  });

  it("never caches a config that reads the clock, a file with fs, the network or the whole environment, and says why with the line", () => {
    const base = `import { derivation } from "@kiln/core";\n`;
    const make = (value: string): string => `export default derivation({ name: "x", system: "x86_64-linux", builder: "/bin/sh", args: ["-c", \`echo \${${value}} > $out\`] });\n`;
    const cases: [string, string, RegExp][] = [
      ["clock", `${base}const now = Date.now();\n${make("now > 0")}`, /not saved: the config reads the clock \(Date\.now\) at .*kiln\.ts:2, which Kiln cannot track/],
      ["date", `${base}const now = new Date();\n${make("now.getFullYear() > 0")}`, /not saved: the config reads the clock \(new Date\(\)\) at .*kiln\.ts:2/],
      ["fs", `${base}import { readFileSync } from "node:fs";\nconst text = readFileSync(new URL("./kiln.ts", import.meta.url), "utf8");\n${make("text.length")}`, /not saved: the config reads files with fs directly: '.*kiln\.ts' imports 'node:fs'/],
      ["network", `${base}const reachable = typeof fetch === "function" ? await fetch("http://127.0.0.1:1/").then(() => 1, () => 0) : 0;\n${make("reachable")}`, /not saved: the config reads the network \(fetch\) at .*kiln\.ts:2/],
      ["environment", `${base}const names = Object.keys(process.env).length;\n${make("names > 0")}`, /not saved: the config reads the whole environment \(process\.env listed\) at .*kiln\.ts:2/],
    ];
    for (const [name, text, reason] of cases) {
      const { root, env } = project({ "kiln.ts": text });
      const first = instantiate(root, env);
      expect(first.stderr, name).toMatch(reason);
      expect(instantiate(root, env).stderr, name).toContain("evaluation cache: evaluating (no cached evaluation)");
    }
  });

  it("never caches a failed evaluation", () => {
    const { root, env } = project({ "kiln.ts": `throw new Error("not today");\n` });
    const failed = runKiln(["instantiate", "kiln.ts", "--read-only", "-v"], root, env);
    expect(failed.status).toBe(1);
    const entries = join(root, ".cache", "evaluations");
    expect(existsSync(entries) ? readdirSync(entries) : []).toEqual([]);
  });

  it("gives a cached evaluation's warnings again", () => {
    const { root, env } = project({
      "kiln.ts": `import { derivation } from "@kiln/core";\nexport default derivation({ name: "f", system: "x86_64-linux", builder: "/bin/sh", outputHash: "", outputHashAlgo: "sha256" });\n`,
    });
    const first = instantiate(root, env);
    expect(first.stderr).toContain("warning: found empty hash");
    const second = instantiate(root, env);
    expect(second.stderr).toContain(REUSED);
    expect(second.stderr).toContain("warning: found empty hash");
  });

  it("a no-op kiln build reuses the evaluation; once the outputs are collected it evaluates and builds again", () => {
    const { root, env } = project({
      "kiln.ts": `import { derivation } from "@kiln/core";\nexport default derivation({ name: "built", system: "x86_64-linux", builder: "/bin/sh", args: ["-c", "echo hi > $out"] });\n`,
    });
    const build = (): KilnRun => runKiln(["build", "kiln.ts", "-v"], root, env);
    const first = build();
    expect(first.status).toBe(0);
    const second = build();
    expect(second.status).toBe(0);
    expect(second.stderr).toContain(REUSED);
    expect(second.stdout).toBe(first.stdout);
    expect(existsSync(join(root, "result"))).toBe(true);
    rmSync(join(root, "result"));
    expect(runKiln(["gc"], root, env).status).toBe(0);
    const third = build();
    expect(third.status).toBe(0);
    expect(third.stderr).toContain("evaluation cache: evaluating, since the store lacks what the cached evaluation gave");
    expect(third.stdout).toBe(first.stdout);
  });

  it("removes the entries of configs that no longer exist, looking them over at most once a day", () => {
    const { root, env, write } = project({ "a.ts": ENV_CONFIG, "b.ts": ENV_CONFIG, "lib.ts": `export const word = "one";\n` });
    const entries = join(root, ".cache", "evaluations");
    const saved = (): string[] => readdirSync(entries).filter((name) => name.endsWith(".json"));
    const run = (file: string): KilnRun => {
      const done = runKiln(["instantiate", file, "--read-only", "-v"], root, env);
      if (done.status !== 0) throw new Error(`kiln instantiate failed: ${done.stderr}`);
      return done;
    };
    run("a.ts");
    expect(saved()).toHaveLength(1);
    rmSync(join(root, "a.ts"));
    // Looked over with the first save, an hour ago: the entry of the deleted config stays for now.
    const anHourAgo = Date.now() / 1000 - 3600;
    utimesSync(join(entries, ".pruned"), anHourAgo, anHourAgo);
    expect(run("b.ts").stderr).toContain("evaluation cache: saved this evaluation");
    expect(saved()).toHaveLength(2);
    // A day later, the next save looks them over and removes it.
    const twoDaysAgo = Date.now() / 1000 - 2 * 86400;
    utimesSync(join(entries, ".pruned"), twoDaysAgo, twoDaysAgo);
    write("lib.ts", `export const word = "two";\n`);
    expect(run("b.ts").stderr).toContain("evaluation cache: saved this evaluation");
    expect(saved()).toHaveLength(1);
  });

  it("kiln instantiate evaluates again when the store has lost the cached .drv files", () => {
    const { root, env } = project({ "kiln.ts": ENV_CONFIG, "lib.ts": `export const word = "one";\n` });
    const first = runKiln(["instantiate", "kiln.ts", "-v"], root, env);
    expect(first.status).toBe(0);
    expect(runKiln(["instantiate", "kiln.ts", "-v"], root, env).stderr).toContain(REUSED);
    expect(runKiln(["gc"], root, env).status).toBe(0);
    const again = runKiln(["instantiate", "kiln.ts", "-v"], root, env);
    expect(again.stderr).toContain("evaluation cache: evaluating, since the store lacks what the cached evaluation gave");
    expect(existsSync(first.stdout.trim())).toBe(true);
  });
});

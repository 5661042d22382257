/**
 * `kiln export` and `kiln import` through the real CLI, with Nix 2.8 on the
 * other side: a built closure exported by Kiln is imported by
 * `nix-store --import`; what `nix-store --export` writes (through a pipe)
 * is imported by Kiln into an empty store with its references; a stream
 * cut short fails, names where, and leaves the store empty.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KILN_BIN, runKiln } from "./run-kiln.js";

const hasNix = spawnSync("nix-store", ["--version"]).status === 0;

let root = "";
let env: NodeJS.ProcessEnv = {};
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-export-cli-"));
  env = { KILN_STORE_DIR: join(root, "store") };
});
afterEach(() => {
  spawnSync("chmod", ["-R", "u+w", root]);
  rmSync(root, { recursive: true, force: true, maxRetries: 3 });
});

function nixStore(args: readonly string[], input?: Buffer): Buffer {
  const result = spawnSync("nix-store", ["--store", `local?root=${join(root, "nix")}&store=${join(root, "store")}`, ...args], { input, env: { ...process.env, NIX_REMOTE: "" }, maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`nix-store ${args.join(" ")}: ${result.stderr.toString()}`);
  return result.stdout;
}

function lines(text: string | Buffer): string[] {
  return text.toString().trim().split("\n").filter((line) => line !== "");
}

/** Removes the Kiln store and its state, as on a machine that never had them. */
function emptyKilnStore(): void {
  spawnSync("chmod", ["-R", "u+w", join(root, "store")]);
  rmSync(join(root, "store"), { recursive: true, force: true });
  rmSync(join(root, "var"), { recursive: true, force: true });
}

function buildClosure(): { app: string; closure: string[] } {
  writeFileSync(
    join(root, "kiln.ts"),
    `import { derivation } from "@kiln/core";
const sh = (name: string, script: string) => derivation({ name, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", script], PATH: "/usr/bin:/bin" });
export const dep = sh("dep", 'mkdir "$out"; echo dependency > "$out/file"');
export const app = sh("app", \`echo \${dep}/file > "$out"\`);
`,
  );
  const built = runKiln(["build", "kiln.ts#app", "--out-link", "result", "--no-sandbox"], root, env);
  expect(built.status, built.stderr).toBe(0);
  const app = lines(built.stdout)[0] as string;
  const info = runKiln(["path-info", "-r", "./result"], root, env);
  return { app, closure: lines(info.stdout) };
}

describe.skipIf(!hasNix)("kiln export and kiln import with Nix 2.8", () => {
  it("exports a built closure that nix-store --import takes with the same paths and references", () => {
    const { app, closure } = buildClosure();
    const exported = runKiln(["export", "--closure", "-o", "closure.nar", "./result"], root, env);
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stderr).toMatch(/^exported 2 paths \(.*\) to 'closure.nar'\n$/);
    const imported = lines(nixStore(["--import"], readFileSync(join(root, "closure.nar"))));
    expect([...imported].sort()).toEqual([...closure].sort());
    expect(lines(nixStore(["--query", "--requisites", app])).sort()).toEqual([...closure].sort());
    expect(lines(nixStore(["--query", "--deriver", app]))[0]).toMatch(/-app\.drv$/);
  });

  it("imports nix-store --export from a pipe into an empty store, with references and deriver", () => {
    const { app, closure } = buildClosure();
    // Kiln's export to standard output, into Nix's store.
    const exported = spawnSync(process.execPath, [KILN_BIN, "export", "--closure", "./result"], { cwd: root, env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
    expect(exported.status, exported.stderr.toString()).toBe(0);
    nixStore(["--import"], exported.stdout);
    emptyKilnStore();
    const piped = spawnSync("sh", ["-c", `nix-store --store 'local?root=${join(root, "nix")}&store=${join(root, "store")}' --export $(nix-store --store 'local?root=${join(root, "nix")}&store=${join(root, "store")}' -qR ${app}) | ${process.execPath} ${KILN_BIN} import`], {
      cwd: root,
      env: { ...process.env, ...env, NIX_REMOTE: "" },
      encoding: "utf8",
    });
    expect(piped.status, piped.stderr).toBe(0);
    expect(lines(piped.stdout).sort()).toEqual([...closure].sort());
    expect(piped.stderr).toMatch(/imported 2 paths \(.*\), 2 of them new/);
    const info = JSON.parse(runKiln(["path-info", "--json", app], root, env).stdout) as { references: string[]; deriver: string }[];
    expect(info[0]?.references).toEqual(closure.filter((path) => path !== app));
    expect(info[0]?.deriver).toMatch(/-app\.drv$/);
    expect(readFileSync(app, "utf8")).toMatch(/-dep\/file\n$/);
  });

  it("refuses a stream cut short, saying where it ends, and registers nothing", () => {
    buildClosure();
    expect(runKiln(["export", "--closure", "-o", "closure.nar", "./result"], root, env).status).toBe(0);
    const whole = readFileSync(join(root, "closure.nar"));
    writeFileSync(join(root, "cut.nar"), whole.subarray(0, whole.length - 100));
    emptyKilnStore();
    const imported = runKiln(["import", "cut.nar"], root, env);
    expect(imported.status).toBe(1);
    expect(imported.stderr).toMatch(/^error: the export stream ends .*truncated/m);
    expect(readdirSync(join(root, "store"))).toEqual([]);
  });

  it("needs a path to export", () => {
    const result = runKiln(["export"], root, env);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("'kiln export' needs a path");
  });
});

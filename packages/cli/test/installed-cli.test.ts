/**
 * Kiln as a user installs it: `pnpm run pack-cli` makes one tarball, npm
 * installs it globally (into a temporary prefix, fetching only registry
 * packages), and the installed `kiln` starts a project outside this
 * repository with `kiln init`, then checks, builds and runs it.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const TSC = createRequire(join(REPO, "package.json")).resolve("typescript/bin/tsc");
let work = "";
let kiln = "";
let installed = "";
let env: NodeJS.ProcessEnv = {};

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, ...env } });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "kiln-installed-"));
  // --prebuilds: better-sqlite3's prebuilt binary is downloaded from outside the registry; this checkout's stands in for it.
  const prebuilds = join(work, "prebuilds");
  const packed = spawnSync(process.execPath, [join(REPO, "scripts", "pack-cli.js"), "--out", join(work, "pack"), "--prebuilds", prebuilds], { cwd: REPO, encoding: "utf8" });
  expect(packed.stderr).toBe("");
  expect(packed.status).toBe(0);
  const tarball = packed.stdout.trim();
  expect(tarball).toMatch(/\.tgz$/);
  const prefix = join(work, "prefix");
  env = {
    npm_config_better_sqlite3_local_prebuilds: prebuilds,
    KILN_STORE_DIR: join(work, "store"),
    KILN_STATE_DIR: join(work, "state"),
    KILN_CACHE_DIR: join(work, "cache"),
  };
  // --prefer-offline: what npm's cache holds is not fetched again.
  const install = run("npm", ["install", "--global", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", tarball], work);
  expect(install.stderr.replace(/^npm warn install-scripts.*\n/gm, "")).toBe("");
  expect(install.status).toBe(0);
  kiln = join(prefix, "bin", "kiln");
  installed = join(prefix, "lib", "node_modules", "@kiln", "cli");
}, 600_000);

afterAll(() => {
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

it("installs a kiln that carries the @kiln packages, with their declarations and no workspace ranges", () => {
  expect(run(kiln, ["--version"], work).stdout).toMatch(/^kiln \d+\.\d+\.\d+/);
  for (const name of ["formats", "store", "activation", "config", "core", "debian", "modules", "pkgs"]) {
    const dir = join(installed, "node_modules", "@kiln", name);
    expect(existsSync(join(dir, "dist", "index.d.ts"))).toBe(true);
    expect(existsSync(join(dir, "LICENSE"))).toBe(true);
    expect(readdirSync(join(dir, "dist")).some((file) => file.includes(".test."))).toBe(false);
  }
  const manifest = readFileSync(join(installed, "package.json"), "utf8");
  expect(manifest).not.toContain("workspace:");
  // Registry packages are npm's to fetch, beside the bundled ones.
  for (const name of ["esbuild", "better-sqlite3", "zod", "ts-morph"]) expect(existsSync(join(installed, "node_modules", name, "package.json"))).toBe(true);
});

it("kiln init starts a project outside the repository that kiln check passes, kiln build builds and kiln run runs", () => {
  const project = join(work, "hello-project");
  mkdirSync(project);
  const init = run(kiln, ["init"], project);
  expect(init.status).toBe(0);
  expect(readdirSync(project).sort()).toEqual([".gitignore", "README.md", "kiln.ts", "package.json", "tsconfig.json"]);
  const tsconfig = JSON.parse(readFileSync(join(project, "tsconfig.json"), "utf8")) as { compilerOptions: { strict: boolean; paths: Record<string, string[]> } };
  expect(tsconfig.compilerOptions.strict).toBe(true);
  // The editor's @kiln/* are the installed Kiln's own declarations.
  expect(tsconfig.compilerOptions.paths["@kiln/pkgs"]).toEqual([join(installed, "node_modules", "@kiln", "pkgs", "dist", "index.d.ts")]);

  const check = run(kiln, ["check", "./kiln.ts"], project);
  expect(check.stderr).toBe("./kiln.ts: no type errors\n");
  expect(check.status).toBe(0);
  // What an editor does: the TypeScript compiler, with the project's own tsconfig.json and nothing installed in it.
  const editor = run(process.execPath, [TSC, "-p", project], project);
  expect(editor.stdout).toBe("");
  expect(editor.status).toBe(0);

  const build = run(kiln, ["build", "./kiln.ts"], project);
  expect(build.status, build.stderr).toBe(0);
  expect(build.stdout.trim()).toMatch(/-greet$/);
  expect(existsSync(join(project, "result", "bin", "greet"))).toBe(true);

  const greeted = run(kiln, ["run", "./kiln.ts#greet", "--", "Kiln"], project);
  expect(greeted.stdout).toBe("Hello, Kiln!\n");
  expect(greeted.status).toBe(0);

  const file = join(project, "kiln.ts");
  const lines = readFileSync(file, "utf8").split("\n");
  const at = lines.findIndex((line) => line.includes("runtimeInputs"));
  lines[at] = lines[at]!.replace("runtimeInputs", "runtimeInptus");
  writeFileSync(file, lines.join("\n"));
  const broken = run(kiln, ["check", "./kiln.ts"], project);
  expect(broken.status).toBe(1);
  expect(broken.stderr).toMatch(new RegExp(`^${file}:${at + 1}:\\d+: error TS\\d+: .*'runtimeInptus'`, "m"));
});

it("the machine and home templates type-check and build with the installed kiln", () => {
  for (const template of ["machine", "home"]) {
    const project = join(work, `${template}-project`);
    expect(run(kiln, ["init", project, "--template", template], work).status).toBe(0);
    const check = run(kiln, ["check", "./kiln.ts"], project);
    expect(check.stderr).toBe("./kiln.ts: no type errors\n");
    const build = run(kiln, ["build", "./kiln.ts"], project);
    expect(build.status, build.stderr).toBe(0);
    expect(build.stdout.trim()).toMatch(template === "machine" ? /-kiln-system-main$/ : /-kiln-home-/);
  }
});

it("the installed kiln answers an unchanged config's build from the evaluation cache, result link and all, and evaluates again when an imported file changes", () => {
  const project = join(work, "cached-project");
  mkdirSync(project);
  writeFileSync(join(project, "greeting.ts"), 'export const greeting = "hello";\n');
  writeFileSync(
    join(project, "kiln.ts"),
    'import { derivation } from "@kiln/core";\nimport { greeting } from "./greeting.ts";\n' +
      'export default derivation({ name: "cached", system: "x86_64-linux", builder: "/bin/sh", args: ["-c", `echo ${greeting} > $out`] });\n',
  );
  const first = run(kiln, ["build", "./kiln.ts", "-v"], project);
  expect(first.status, first.stderr).toBe(0);
  rmSync(join(project, "result"));
  const again = run(kiln, ["build", "./kiln.ts", "-v"], project);
  expect(again.status, again.stderr).toBe(0);
  expect(again.stderr).toContain("evaluation cache: reused the last evaluation");
  expect(again.stdout).toBe(first.stdout);
  expect(readFileSync(join(project, "result"), "utf8")).toBe("hello\n");
  // The link the cached answer made is a root: collecting keeps what it points to.
  expect(run(kiln, ["gc"], project).status).toBe(0);
  expect(readFileSync(join(project, "result"), "utf8")).toBe("hello\n");

  writeFileSync(join(project, "greeting.ts"), 'export const greeting = "hello again";\n');
  const changed = run(kiln, ["build", "./kiln.ts", "-v"], project);
  expect(changed.status, changed.stderr).toBe(0);
  expect(changed.stderr).not.toContain("evaluation cache: reused");
  expect(readFileSync(join(project, "result"), "utf8")).toBe("hello again\n");
});

it("the installed kiln stops a config that loops at --eval-timeout and says where it was", () => {
  const project = join(work, "looping-project");
  mkdirSync(project);
  writeFileSync(join(project, "kiln.ts"), "let turns = 0;\nwhile (turns >= 0) turns++;\nexport default {};\n");
  // Bounded here too: without its watchdog thread the installed kiln would loop for ever.
  const looped = spawnSync(kiln, ["instantiate", "./kiln.ts", "--eval-timeout", "1"], { cwd: project, encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 });
  expect(looped.signal).toBe(null);
  expect(looped.status).toBe(1);
  expect(looped.stderr).toMatch(/kiln\.ts:2:\d+: evaluation did not finish within 1 s/);
});

it("with NODE_EXTRA_CA_CERTS set, the installed kiln answers --version and a cached build in a Node that did not load the certificates, and runs every other command with them", () => {
  const project = join(work, "certificates-project");
  mkdirSync(project);
  // The config reads the variable: the cached answer must see it as given, or it would never be a hit.
  writeFileSync(
    join(project, "kiln.ts"),
    'import { derivation } from "@kiln/core";\n' +
      'export default derivation({ name: "certificates", system: "x86_64-linux", builder: "/bin/sh", args: ["-c", `echo ${process.env["NODE_EXTRA_CA_CERTS"]} > $out`] });\n',
  );
  // Node warns at start-up when it cannot load the file: the warning tells which Node loaded it.
  const certificates = join(work, "no-such-certificates.pem");
  const loaded = "Warning: Ignoring extra certs from";
  const withCertificates = (args: readonly string[]): SpawnSyncReturns<string> =>
    spawnSync(kiln, args, { cwd: project, encoding: "utf8", env: { ...process.env, ...env, NODE_EXTRA_CA_CERTS: certificates } });

  const first = withCertificates(["build", "./kiln.ts", "-v"]);
  expect(first.status, first.stderr).toBe(0);
  expect(first.stderr).toContain(loaded);
  expect(first.stderr).not.toContain("evaluation cache: reused");
  const again = withCertificates(["build", "./kiln.ts", "-v"]);
  expect(again.status, again.stderr).toBe(0);
  expect(again.stderr).toContain("evaluation cache: reused the last evaluation");
  expect(again.stderr).not.toContain(loaded);
  expect(again.stdout).toBe(first.stdout);
  expect(readFileSync(join(project, "result"), "utf8")).toBe(`${certificates}\n`);

  const version = withCertificates(["--version"]);
  expect(version.stdout).toMatch(/^kiln \d+\.\d+\.\d+/);
  expect(version.stderr).toBe("");
  // Not answered from the cache: the command runs once, in a Node that has the certificates.
  const evaluated = withCertificates(["build", "./kiln.ts", "--no-eval-cache"]);
  expect(evaluated.status, evaluated.stderr).toBe(0);
  expect(evaluated.stderr.split(loaded).length - 1).toBe(1);
  expect(evaluated.stdout).toBe(first.stdout);
  const failing = withCertificates(["no-such-command"]);
  expect(failing.status).toBe(2);
  expect(failing.stderr).toContain(loaded);
  expect(failing.stderr.split("unknown command").length - 1).toBe(1);
});

it("the installed kiln loads better-sqlite3's bundled JavaScript only beside the very version it was bundled from", () => {
  const sqliteManifest = join(installed, "node_modules", "better-sqlite3", "package.json");
  const manifestText = readFileSync(sqliteManifest, "utf8");
  const version = (JSON.parse(manifestText) as { version: string }).version;
  const bundled = join(installed, "node_modules", "@kiln", "store", "dist", `better-sqlite3-${version}.cjs`);
  const bundledText = readFileSync(bundled, "utf8");
  const marker = join(work, "bundled-sqlite-loaded");
  try {
    // The bundle, marked: loading it leaves a line in the marker file.
    writeFileSync(bundled, `require("node:fs").appendFileSync(${JSON.stringify(marker)}, "loaded\\n");\n${bundledText}`);
    const beside = run(kiln, ["gc"], work);
    expect(beside.status, beside.stderr).toBe(0);
    expect(readFileSync(marker, "utf8")).toBe("loaded\n");
    // As if npm had installed another better-sqlite3 than the one bundled: the package itself is loaded, and works.
    writeFileSync(sqliteManifest, manifestText.replace(`"version": "${version}"`, `"version": "${version}-other"`));
    const other = run(kiln, ["gc"], work);
    expect(other.status, other.stderr).toBe(0);
    expect(readFileSync(marker, "utf8")).toBe("loaded\n");
  } finally {
    writeFileSync(bundled, bundledText);
    writeFileSync(sqliteManifest, manifestText);
  }
});

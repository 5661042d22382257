#!/usr/bin/env node
/**
 * `pnpm run pack-cli [--out DIR]`: one self-contained npm tarball of the
 * `kiln` command line, so that `npm install -g <tarball>` installs a working
 * `kiln` on a machine with only Node and npm (as Nix's installer gives one
 * `nix` with everything it needs).
 *
 * The `@kiln/*` packages are not on the registry, so they travel inside the
 * tarball as bundled dependencies (`node_modules/@kiln/*`, their built
 * `dist` with declarations, and the `src` files they ship), unbundled: the
 * configs a user writes import the very same modules the CLI runs, and their
 * editors read the same declarations. Only registry packages (esbuild,
 * better-sqlite3, zod, ts-morph, Node's types) are left for npm to fetch.
 * The CLI's own code is bundled by esbuild, split so that code only one
 * command needs (the TypeScript checker, say) loads only when it runs.
 *
 * Prints the tarball's path on standard output.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { out: { type: "string" } } });
const outDir = resolve(values.out ?? join(root, "pack"));
/** The workspace packages the CLI carries inside it, by folder. */
const BUNDLED = ["core", "modules", "pkgs"];

function readJson(file) {
  return JSON.parse(readFileSync(file, "utf8"));
}

function run(command, args, options) {
  const result = spawnSync(command, args, { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status ?? result.signal})`);
  return result.stdout;
}

/** Whether a file of a package's `files` belongs in a tarball: no tests, no build bookkeeping. */
function shipped(source) {
  return !/\.test\.(?:ts|js|d\.ts)(?:\.map)?$/.test(source) && !source.endsWith(".tsbuildinfo") && !source.includes(`${"/"}test${"/"}fixtures`);
}

// 1. Build what is not yet built (incremental: nothing to do in a set-up checkout).
const tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
run(process.execPath, [tsc, "-b", ...BUNDLED.map((name) => `packages/${name}`), "packages/cli"], { cwd: root, stdio: "inherit" });

const manifests = Object.fromEntries([...BUNDLED, "cli"].map((name) => [name, readJson(join(root, "packages", name, "package.json"))]));
const versions = Object.fromEntries(Object.values(manifests).map((manifest) => [manifest.name, manifest.version]));
const cli = manifests.cli;

const stage = mkdtempSync(join(tmpdir(), "kiln-pack-"));
try {
  // 2. The @kiln/* packages, as they would be published.
  const registryDependencies = {};
  for (const name of BUNDLED) {
    const manifest = manifests[name];
    const from = join(root, "packages", name);
    const to = join(stage, "node_modules", manifest.name);
    mkdirSync(to, { recursive: true });
    for (const entry of [...manifest.files.filter((file) => !file.startsWith("!")), "README.md", "LICENSE"]) {
      if (existsSync(join(from, entry))) cpSync(join(from, entry), join(to, entry), { recursive: true, filter: shipped });
    }
    // Their dependencies become the CLI's own (below): npm would otherwise take a bundled package's
    // dependencies for part of the bundle, and install none of them. Node finds them one level up.
    const { devDependencies: _dev, scripts: _scripts, dependencies: _dependencies, peerDependencies: _peers, ...published } = manifest;
    writeFileSync(join(to, "package.json"), `${JSON.stringify(published, null, 2)}\n`);
    for (const [dependency, range] of Object.entries(manifest.dependencies ?? {})) {
      if (!range.startsWith("workspace:")) registryDependencies[dependency] = range;
    }
  }

  // 3. The CLI, bundled; its declarations as tsc wrote them, for programs that embed it.
  const cliDir = join(root, "packages", "cli");
  const esbuild = await import(createRequire(join(root, "packages", "core", "package.json")).resolve("esbuild"));
  await esbuild.build({
    absWorkingDir: cliDir,
    // `version.js` answers `kiln --version` alone; `default-packages.js` is loaded as a config, by path.
    entryPoints: ["src/main.ts", "src/index.ts", "src/version.ts", "src/default-packages.ts"],
    outdir: join(stage, "dist"),
    outbase: "src",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    sourcemap: true,
    logLevel: "warning",
  });
  cpSync(join(cliDir, "dist"), join(stage, "dist"), {
    recursive: true,
    filter: (source) => shipped(source) && (statSync(source).isDirectory() || /\.d\.ts(?:\.map)?$/.test(source)),
  });
  cpSync(join(cliDir, "bin"), join(stage, "bin"), { recursive: true });
  cpSync(join(root, "README.md"), join(stage, "README.md"));
  cpSync(join(cliDir, "LICENSE"), join(stage, "LICENSE"));
  for (const [dependency, range] of Object.entries(cli.dependencies)) {
    if (!range.startsWith("workspace:")) registryDependencies[dependency] = range;
  }
  const bundledNames = BUNDLED.map((name) => manifests[name].name);
  const manifest = {
    name: cli.name,
    version: cli.version,
    description: cli.description,
    license: cli.license,
    type: "module",
    bin: cli.bin,
    main: "./dist/index.js",
    types: "./dist/index.d.ts",
    exports: cli.exports,
    engines: readJson(join(root, "package.json")).engines,
    files: ["dist", "bin", "README.md", "LICENSE"],
    dependencies: { ...Object.fromEntries(bundledNames.map((name) => [name, versions[name]])), ...registryDependencies },
    bundleDependencies: bundledNames,
  };
  writeFileSync(join(stage, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);

  // 4. The tarball.
  mkdirSync(outDir, { recursive: true });
  const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", outDir], { cwd: stage, env: { ...process.env, npm_config_loglevel: "error" } }));
  const tarball = join(outDir, packed[0].filename);
  process.stdout.write(`${tarball}\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}

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
 * Each package's JavaScript is bundled by esbuild into a few files (Node
 * loads a few files much faster than a hundred), split so that code only
 * one command needs (the TypeScript checker, say) loads only when it runs;
 * the declarations stay as tsc wrote them.
 *
 * Prints the tarball's path on standard output.
 *
 * `--prebuilds DIR` also writes this checkout's compiled better-sqlite3 into
 * DIR as a prebuilt archive: its installer downloads one from outside the
 * registry, and where that is unreachable it compiles for minutes.
 * `npm_config_better_sqlite3_local_prebuilds=DIR npm install …` takes the
 * archive instead (the tests and benchmarks install this way).
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { out: { type: "string" }, prebuilds: { type: "string" } } });
const outDir = resolve(values.out ?? join(root, "pack"));
/** The workspace packages the CLI carries inside it, by folder. */
const BUNDLED = ["formats", "store", "activation", "config", "core", "debian", "modules", "pkgs"];
/** Entry points besides `index.js`, by package folder: the scripts of worker threads, and what a subpath export names. */
const WORKERS = { store: ["cache-hit.js"], config: ["evaluation-watchdog-worker.js", "cache-hit.js"], core: ["cache-hit.js"] };

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

/** Writes better-sqlite3's compiled module as prebuild-install names and lays out its archives: `build/Release/*.node`. */
function writeSqlitePrebuild(dir) {
  const sqliteDir = dirname(createRequire(join(root, "packages", "store", "package.json")).resolve("better-sqlite3/package.json"));
  const { version } = readJson(join(sqliteDir, "package.json"));
  const stage = mkdtempSync(join(tmpdir(), "kiln-prebuild-"));
  try {
    cpSync(join(sqliteDir, "build", "Release", "better_sqlite3.node"), join(stage, "build", "Release", "better_sqlite3.node"));
    mkdirSync(dir, { recursive: true });
    const archive = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
    run("tar", ["-czf", join(resolve(dir), archive), "-C", stage, "build"]);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/**
 * An esbuild plugin: every bundled module keeps the `import.meta.url` its own
 * file in `dist` had, so what it finds relative to itself (its package.json,
 * its shipped `src` files, its package's entry) is found as before. `others`
 * maps the `dist` of another package inlined into this bundle to where that
 * package's `dist` is installed, relative to this bundle's.
 */
function ownImportMetaUrl(distDir, others = {}, format = "esm") {
  const places = [[distDir, "."], ...Object.entries(others)];
  return {
    name: "own-import-meta-url",
    setup(build) {
      build.onLoad({ filter: /\.js$/ }, (args) => {
        const text = readFileSync(args.path, "utf8");
        const place = places.find(([dir]) => args.path.startsWith(`${dir}/`));
        if (!text.includes("import.meta.url") || place === undefined) return undefined;
        // Every output lands directly in dist, so one relative URL serves entries and chunks alike.
        const at = JSON.stringify(`${place[1]}/${relative(place[0], args.path)}`);
        if (format === "esm") return { contents: text.replaceAll("import.meta.url", `new URL(${at}, import.meta.url).href`), loader: "js", resolveDir: dirname(args.path) };
        // CommonJS has no import.meta: the output file's own URL comes from __filename.
        const own = `new URL(${at}, __kilnPathToFileURL(__filename)).href`;
        return { contents: `import { pathToFileURL as __kilnPathToFileURL } from "node:url";\n${text.replaceAll("import.meta.url", own)}`, loader: "js", resolveDir: dirname(args.path) };
      });
    },
  };
}

/**
 * Bundles one entry of the CLI's `dist` into a single CommonJS file (`.cjs`)
 * with nothing split off, the subpath `inline` names (a workspace package's
 * module, by its specifier) included: the command answered from the
 * evaluation cache then loads one file, and only the parts of Node it uses
 * (each built-in module loaded costs start-up time; a shared chunk pulls in
 * what any command needs, and ES modules Node's ES module loader). Other
 * packages stay imports (require calls).
 */
async function bundleAlone(from, to, entry, inline) {
  const distDir = join(from, "dist");
  const others = {};
  for (const { dist, installedDist } of Object.values(inline)) others[dist] = installedDist;
  const result = await esbuild.build({
    absWorkingDir: from,
    entryPoints: [join(distDir, entry)],
    outdir: distDir,
    outbase: distDir,
    allowOverwrite: true,
    write: false,
    outExtension: { ".js": ".cjs" },
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    sourcemap: true,
    logLevel: "warning",
    plugins: [
      {
        name: "inline-workspace-subpaths",
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, (args) => {
            // Node's own modules as esbuild knows them: an import whose bindings all went unused is then dropped.
            if (isBuiltin(args.path)) return undefined;
            const inlined = inline[args.path];
            if (inlined !== undefined) return { path: inlined.file };
            return { path: args.path, external: true };
          });
        },
      },
      ownImportMetaUrl(distDir, others, "cjs"),
    ],
  });
  for (const output of result.outputFiles) {
    const file = join(to, "dist", relative(distDir, output.path));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, output.contents);
  }
}

/**
 * Bundles a package's built `dist` (its entries, each module's code once,
 * dynamic imports split off so they still load only when needed) into
 * `to/dist`, beside the declarations: a handful of files load much faster
 * than a hundred. Other packages stay imports.
 */
async function bundlePackage(from, to, entries) {
  const distDir = join(from, "dist");
  const result = await esbuild.build({
    absWorkingDir: from,
    entryPoints: entries.map((entry) => join(distDir, entry)),
    // Written as if into its own dist, so the source maps name ../src/*.ts, shipped beside.
    outdir: distDir,
    outbase: distDir,
    allowOverwrite: true,
    write: false,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    sourcemap: true,
    logLevel: "warning",
    plugins: [ownImportMetaUrl(distDir)],
  });
  for (const output of result.outputFiles) {
    const file = join(to, "dist", relative(distDir, output.path));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, output.contents);
  }
}

/**
 * Bundles better-sqlite3's JavaScript (its dozen files, not its native
 * module) into one CommonJS file in `toDist`, named after the version it
 * came from, as @kiln/store's open-sqlite.js looks for it: it loads about
 * 3 ms faster, and is used only beside that very version.
 */
async function bundleSqlite(toDist) {
  const sqliteDir = dirname(createRequire(join(root, "packages", "store", "package.json")).resolve("better-sqlite3/package.json"));
  const { bundledSqliteFile } = await import(pathToFileURL(join(root, "packages", "store", "dist", "local-store", "open-sqlite.js")).href);
  await esbuild.build({
    entryPoints: [join(sqliteDir, "lib", "index.js")],
    outfile: join(toDist, bundledSqliteFile(readJson(join(sqliteDir, "package.json")).version)),
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    // Its own lookup of the native module, never used here: open-sqlite.js gives the module's file.
    external: ["bindings"],
    logLevel: "warning",
  });
}

/** The declarations of a package's `dist` (its JavaScript is bundled instead). */
function declarationsOnly(source) {
  return shipped(source) && (statSync(source).isDirectory() || !/\/dist\//.test(source) || /\.d\.ts(?:\.map)?$/.test(source));
}

// 1. Build what is not yet built (incremental: nothing to do in a set-up checkout).
const tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
run(process.execPath, [tsc, "-b", ...BUNDLED.map((name) => `packages/${name}`), "packages/cli"], { cwd: root, stdio: "inherit" });

const esbuild = await import(createRequire(join(root, "packages", "config", "package.json")).resolve("esbuild"));
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
      if (existsSync(join(from, entry))) cpSync(join(from, entry), join(to, entry), { recursive: true, filter: declarationsOnly });
    }
    // Worker threads are started from a file of their own, beside the module that starts them.
    await bundlePackage(from, to, ["index.js", ...(WORKERS[name] ?? [])]);
    if (name === "store") await bundleSqlite(join(to, "dist"));
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
  // `version.js` answers `kiln --version` alone; `default-packages.js` is loaded as a config, by path.
  await bundlePackage(cliDir, stage, ["main.js", "index.js", "version.js", "default-packages.js"]);
  // `cached-command.cjs` answers a build of an unchanged config (bin/kiln.cjs loads it): one file, with the parts of the @kiln packages it needs.
  const inlined = {};
  for (const [specifier, name, entry] of [
    ["@kiln/core/cache-hit", "core", "cache-hit.js"],
    ["@kiln/config/cache-hit", "config", "cache-hit.js"],
    ["@kiln/store/cache-hit", "store", "cache-hit.js"],
    ["@kiln/formats", "formats", "index.js"],
  ]) {
    const dist = join(root, "packages", name, "dist");
    inlined[specifier] = { file: join(dist, entry), dist, installedDist: `../node_modules/${manifests[name].name}/dist` };
  }
  await bundleAlone(cliDir, stage, "cached-command.js", inlined);
  cpSync(join(cliDir, "dist"), join(stage, "dist"), { recursive: true, filter: declarationsOnly });
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
    // Marks the CLI's frames as Kiln's own, not the user's (see `source-location.ts` of @kiln/formats).
    kiln: cli.kiln,
    dependencies: { ...Object.fromEntries(bundledNames.map((name) => [name, versions[name]])), ...registryDependencies },
    bundleDependencies: bundledNames,
  };
  writeFileSync(join(stage, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);

  // 4. The tarball.
  mkdirSync(outDir, { recursive: true });
  const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", outDir], { cwd: stage, env: { ...process.env, npm_config_loglevel: "error" } }));
  const tarball = join(outDir, packed[0].filename);
  if (values.prebuilds !== undefined) writeSqlitePrebuild(values.prebuilds);
  process.stdout.write(`${tarball}\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}

#!/usr/bin/env node
/**
 * Kiln as one file: `packages/cli/dist/bundle/kiln.cjs`, the CLI and the
 * `@kiln/*` packages it carries bundled by esbuild into one CommonJS script,
 * which `bin/kiln.cjs` loads (through `bin/bundled-kiln.cjs`) instead of
 * the hundreds of ES modules tsc wrote. Node's ES module loader resolves,
 * reads and compiles each module of a graph apart, and cannot use a V8 code
 * cache (Node 20 has no compile cache); one script is read once, and compiled
 * from V8's code cache kept under Kiln's cache directory. Nix, for
 * comparison, starts as one linked binary.
 *
 * Beside it: one small ES module per package (`core.mjs`, `pkgs.mjs`, …)
 * that re-exports that package from the loaded bundle, so that a config,
 * whose bundle imports `@kiln/*` by URL, gets the very same instance as the
 * CLI (one `Derivation` class, one registry of loaded configs); and
 * `kiln.files.json`, which says which original file each line of the bundle
 * came from, so that the stack-reading code (where a `path()` was written,
 * which frame is the user's) tells Kiln's frames from the user's.
 *
 * `pnpm run build` runs this after tsc (it does nothing when the bundle is
 * newer than every package's build); `pack-cli.js` calls {@link bundleKiln}
 * for the installed layout.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire, isBuiltin, SourceMap } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/**
 * The packages inside the bundle, by folder and name; the CLI's own entry is `main.js`. Every package a config may
 * import is here, the four `@kiln/core` re-exports too: esbuild follows the workspace's links to each package's own
 * files, so each module is in the bundle once, and `Derivation` is one class whichever package a config imports it from.
 */
export const BUNDLED_PACKAGES = {
  formats: "@kiln/formats",
  store: "@kiln/store",
  activation: "@kiln/activation",
  config: "@kiln/config",
  core: "@kiln/core",
  pkgs: "@kiln/pkgs",
  modules: "@kiln/modules",
  debian: "@kiln/debian",
};

/** The first line of the bundle: what the loader needs before it runs it. */
function header(hash, builtFrom) {
  return `//${JSON.stringify({ kilnBundle: 1, hash, builtFrom })}\n`;
}

/**
 * Bundles Kiln into `outDir`. `installedDist(folder)` says where a package's
 * `dist` lies relative to `outDir` once installed (the checkout's own by
 * default), so that what a module finds beside itself (`import.meta.url`:
 * its manifest, a worker's script) is found there; `bareExternals` keeps
 * registry packages as bare names (installed beside the CLI) instead of the
 * files the checkout resolves them to.
 */
export async function bundleKiln({ outDir, installedDist = (folder) => relative(outDir, join(root, "packages", folder, "dist")), bareExternals = false }) {
  const esbuild = await import(createRequire(join(root, "packages", "config", "package.json")).resolve("esbuild"));
  const dists = Object.fromEntries([...Object.keys(BUNDLED_PACKAGES), "cli"].map((folder) => [folder, join(root, "packages", folder, "dist")]));
  const placeOf = (file) => Object.entries(dists).find(([, dist]) => file.startsWith(`${dist}/`));
  // Where the module at `file` (in a dist) is at run time, as an expression of the bundle's own URL.
  const ownUrl = (file) => {
    const [folder, dist] = placeOf(file);
    return `new URL(${JSON.stringify(`${installedDist(folder)}/${relative(dist, file)}`)}, __kilnPathToFileURL(__filename)).href`;
  };
  const entry = [
    `exports.main = () => require(${JSON.stringify(join(dists.cli, "main.js"))});`,
    "exports.packages = {",
    ...Object.entries(BUNDLED_PACKAGES).map(([folder, name]) => `  ${JSON.stringify(name)}: () => require(${JSON.stringify(join(dists[folder], "index.js"))}),`),
    "};",
    `exports.entries = ${JSON.stringify(Object.fromEntries(Object.entries(BUNDLED_PACKAGES).map(([folder, name]) => [name, `${installedDist(folder)}/index.js`])))};`,
  ].join("\n");
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: root, sourcefile: "kiln-bundle-entry.js", loader: "js" },
    outfile: join(outDir, "kiln.cjs"),
    write: false,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    sourcemap: "external",
    metafile: true,
    logLevel: "warning",
    plugins: [
      {
        name: "kiln-bundle",
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, (args) => {
            if (isBuiltin(args.path) || args.path.startsWith("@kiln/") || args.importer === "") return undefined;
            if (bareExternals) return { path: args.path, external: true };
            // From the bundle's folder a registry package is not found as from the module importing it: name its file.
            return { path: createRequire(args.importer).resolve(args.path), external: true };
          });
          build.onLoad({ filter: /\.js$/ }, (args) => {
            if (placeOf(args.path) === undefined) return undefined;
            const text = readFileSync(args.path, "utf8");
            if (!text.includes("import.meta")) return undefined;
            const url = ownUrl(args.path);
            const contents = `import { pathToFileURL as __kilnPathToFileURL } from "node:url";\nimport { createRequire as __kilnCreateRequire } from "node:module";\n${text
              .replaceAll("import.meta.resolve(", `((specifier) => __kilnPathToFileURL(__kilnCreateRequire(${url}).resolve(specifier)).href)(`)
              .replaceAll("import.meta.url", url)}`;
            return { contents, loader: "js", resolveDir: dirname(args.path) };
          });
        },
      },
    ],
  });
  const code = result.outputFiles.find((file) => file.path.endsWith(".cjs"));
  const map = result.outputFiles.find((file) => file.path.endsWith(".map"));
  const body = asciiOnly(dynamicImports(code.text.replace(/\n\/\/# sourceMappingURL=.*\n?$/, "\n")));
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 32);
  // An installed bundle (bareExternals) was made from builds that are not installed with it.
  const builtFrom = bareExternals ? [] : Object.values(dists).map((dist) => relative(outDir, join(dist, ".tsbuildinfo")));
  mkdirSync(outDir, { recursive: true });
  // A source file of package `folder` is where that package is installed, beside its dist.
  const installedSource = (file) => {
    const folder = Object.keys(dists).find((name) => file.startsWith(join(root, "packages", name, "/")));
    return folder === undefined ? relative(outDir, file) : join(installedDist(folder), "..", relative(join(root, "packages", folder), file));
  };
  writeWhole(join(outDir, "kiln.files.json"), JSON.stringify(lineTable(JSON.parse(map.text), outDir, installedSource)));
  for (const [folder, name] of Object.entries(BUNDLED_PACKAGES)) {
    writeWhole(join(outDir, `${folder}.mjs`), await reexport(name, join(dists[folder], "index.js"), `${installedDist(folder)}/index.js`));
  }
  // The bundle last: the loader takes it as up to date when it is newer than every package's build.
  writeWhole(join(outDir, "kiln.cjs"), header(hash, builtFrom) + body);
}

/**
 * The bundle with every character ASCII. V8 keeps a script's source for as
 * long as the script runs (functions are compiled from it when first called),
 * in one byte per character only when every character fits in one: a single
 * `…` makes the 1.4 MB bundle a 2.8 MB string. esbuild already writes
 * strings, templates and regular expressions in ASCII (escaped); what is left
 * is in comments, where an escape reads as well. Lines stay as they were, so
 * the source map's lines still hold.
 */
function asciiOnly(text) {
  return text.replace(/[^\x00-\x7f]/gu, (character) => `\\u{${character.codePointAt(0).toString(16)}}`);
}

/**
 * The bundle's `import()` calls (those left: of a URL, a registry package,
 * Node's modules), made through the loader's: a script compiled by `vm`
 * has no `import()` of its own in Node 20 without an experimental flag. A
 * template's text `import(${…})` is not a call, and stays.
 */
function dynamicImports(text) {
  const replaced = text.replace(/(?<![\w$.`'"])import\((?!\$\{)/g, "__kilnImport(");
  // Last, so that the lines stay the source map's (a declaration is hoisted).
  return `${replaced}function __kilnImport(specifier) {\n  return globalThis[Symbol.for("kiln.import")](specifier);\n}\n`;
}

/**
 * Which original file each stretch of the bundle's lines came from, as
 * `{ files, lines }` (`lines` pairs of a first line, 1-based, and an index
 * into `files`, relative to the bundle's folder): the source map's first
 * segment of each line says it.
 */
function lineTable(payload, outDir, installedSource) {
  const map = new SourceMap(payload);
  const lineCount = payload.mappings.split(";").length;
  const files = [];
  const lines = [];
  let last;
  for (let line = 0; line < lineCount; line++) {
    const found = map.findEntry(line, 0);
    if (found.originalSource === undefined || found.generatedLine !== line) continue;
    const source = installedSource(fileURLToPath(new URL(found.originalSource, pathToFileURL(join(outDir, "kiln.cjs")))));
    if (source === last) continue;
    last = source;
    let index = files.indexOf(source);
    if (index < 0) index = files.push(source) - 1;
    // 1-based, and after the header line.
    lines.push(line + 2, index);
  }
  return { files, lines };
}

/** A module re-exporting package `name` from the loaded bundle (or, loaded without it, from the package's own entry). */
async function reexport(name, entryFile, installedEntry) {
  const names = Object.keys(await import(pathToFileURL(entryFile).href)).filter((key) => key !== "default");
  return [
    `// ${name}, as the loaded Kiln bundle has it (generated by scripts/bundle-kiln.js).`,
    `const loaded = globalThis[Symbol.for("kiln.bundled-packages")]?.[${JSON.stringify(name)}];`,
    `const namespace = loaded !== undefined ? loaded() : await import(${JSON.stringify(installedEntry)});`,
    `export const { ${names.join(", ")} } = namespace;`,
    "",
  ].join("\n");
}

function writeWhole(path, text) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/** Whether the bundle in `outDir` is newer than every package build it was made from. */
function upToDate(outDir) {
  const bundle = join(outDir, "kiln.cjs");
  if (!existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  const text = readFileSync(bundle, "utf8");
  const { builtFrom } = JSON.parse(text.slice(2, text.indexOf("\n")));
  return builtFrom.every((file) => !existsSync(join(outDir, file)) || statSync(join(outDir, file)).mtimeMs <= built);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = join(root, "packages", "cli", "dist", "bundle");
  if (process.argv.includes("--force") || !upToDate(outDir)) await bundleKiln({ outDir });
}

// Loads Kiln as one script (dist/bundle/kiln.cjs, made by scripts/bundle-kiln.js) compiled from V8's code cache,
// instead of the hundreds of ES modules of dist: Node 20 compiles every ES module afresh on every start (it has no
// compile cache), and resolving and reading each costs more again. Returns undefined when there is no bundle or it is
// older than a package's build (a checkout rebuilt by tsc alone): the caller then imports dist/main.js as before.
"use strict";
const { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } = require("node:fs");
const { createHash } = require("node:crypto");
const Module = require("node:module");
const { homedir } = require("node:os");
const { dirname, isAbsolute, join, resolve } = require("node:path");
const { pathToFileURL } = require("node:url");
const vm = require("node:vm");

const BUNDLE = join(__dirname, "..", "dist", "bundle", "kiln.cjs");

/** The bundle's first line: its hash and the package builds it was made from. */
function readHeader(bundle) {
  const fd = openSync(bundle, "r");
  try {
    const buffer = Buffer.alloc(1024);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    const line = buffer.toString("utf8", 0, length).split("\n", 1)[0];
    return line.startsWith("//{") ? JSON.parse(line.slice(2)) : undefined;
  } finally {
    closeSync(fd);
  }
}

/** Whether a package was built (by tsc) after the bundle was made: then the bundle has older code. */
function stale(bundle, header) {
  const made = statSync(bundle).mtimeMs;
  return header.builtFrom.some((file) => {
    try {
      return statSync(resolve(dirname(bundle), file)).mtimeMs > made;
    } catch {
      return false;
    }
  });
}

/** Where V8's code cache of the bundle is kept: Kiln's cache directory, by bundle and by Node (V8 refuses another's). */
// (The directory as config-bundle.ts finds it; @kiln/core is not loaded yet.)
function codeCacheFile(header) {
  const configured = process.env.KILN_CACHE_DIR;
  const xdg = process.env.XDG_CACHE_HOME;
  const base = configured ? resolve(configured) : join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".cache"), "kiln");
  const key = createHash("sha256").update(`${header.hash}\0${process.version}\0${process.arch}`).digest("hex").slice(0, 32);
  return join(base, "code-cache", `${key}.bin`);
}

/** A week: code caches of bundles no Kiln has started from for that long (an older build, another Node) are removed. */
const UNUSED_CACHE_MS = 7 * 24 * 3600 * 1000;

/** Removes the code caches of other bundles not written for a week (only when writing one: caches are rarely written). */
function pruneCodeCaches(directory, keep) {
  for (const entry of readdirSync(directory)) {
    const file = join(directory, entry);
    try {
      if (file !== keep && Date.now() - statSync(file).mtimeMs > UNUSED_CACHE_MS) rmSync(file, { force: true });
    } catch {
      // Removed meanwhile by another Kiln.
    }
  }
}

/** Writes V8's code cache of `script` once the command is over (it then holds every function the command compiled). */
function saveCodeCacheAtExit(script, file) {
  process.once("exit", () => {
    try {
      const data = script.createCachedData();
      mkdirSync(dirname(file), { recursive: true });
      pruneCodeCaches(dirname(file), file);
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, data);
      renameSync(temporary, file);
    } catch {
      // A cache that cannot be written only costs the next start its compiling.
    }
  });
}

/** Kiln's bundle, loaded and registered (its packages, its source lines), or undefined. */
function loadBundledKiln() {
  if (process.env.KILN_BUNDLE === "0") return undefined;
  let header;
  try {
    header = readHeader(BUNDLE);
  } catch {
    return undefined;
  }
  if (header === undefined || stale(BUNDLE, header)) return undefined;
  const source = readFileSync(BUNDLE, "utf8");
  const cacheFile = codeCacheFile(header);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // First start of this bundle: compiled from source, cached at exit.
  }
  const script = new vm.Script(Module.wrap(source), {
    filename: BUNDLE,
    cachedData,
  });
  if (cachedData === undefined || script.cachedDataRejected === true) saveCodeCacheAtExit(script, cacheFile);
  const bundleModule = new Module(BUNDLE, module);
  bundleModule.filename = BUNDLE;
  bundleModule.paths = Module._nodeModulePaths(dirname(BUNDLE));
  // The per-package modules beside the bundle require nothing, but Node's loaders would find it here by its path.
  Module._cache[BUNDLE] = bundleModule;
  // import() in a script needs a flag of Node 20's (or warns): the bundle's (a config, esbuild; absolute paths and URLs) are made here.
  globalThis[Symbol.for("kiln.import")] = (specifier) => import(specifier);
  const run = script.runInThisContext();
  run.call(bundleModule.exports, bundleModule.exports, Module.createRequire(BUNDLE), bundleModule, BUNDLE, dirname(BUNDLE));
  bundleModule.loaded = true;
  const kiln = bundleModule.exports;
  // A config importing `@kiln/core` (by the URL of its entry) gets the bundle's instance through <folder>.mjs beside it.
  const loaded = {};
  for (const [name, load] of Object.entries(kiln.packages)) {
    let namespace;
    loaded[name] = () => (namespace ??= load());
  }
  globalThis[Symbol.for("kiln.bundled-packages")] = loaded;
  const redirects = {};
  for (const [name, entry] of Object.entries(kiln.entries)) {
    redirects[pathToFileURL(resolve(dirname(BUNDLE), entry)).href] = pathToFileURL(join(dirname(BUNDLE), `${name.slice("@kiln/".length)}.mjs`)).href;
  }
  globalThis[Symbol.for("kiln.package-redirects")] = redirects;
  // Which original file each line of the bundle came from, for the code that reads stacks (read only when a stack is).
  globalThis[Symbol.for("kiln.code-bundles")] = new Map([[BUNDLE, join(dirname(BUNDLE), "kiln.files.json")]]);
  return kiln;
}

module.exports = { loadBundledKiln };

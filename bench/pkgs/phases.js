// Where `kiln instantiate bench/pkgs/kiln.ts` spends its time, measured in
// one process doing what the CLI does: load the CLI's modules (Kiln's bundled
// script, as bin/kiln.cjs loads it, or its ES modules where it has none), load
// the config (its bundle, cached after the first run, and @kiln/pkgs), then
// evaluate it (the package set's fixpoint, callPackage, derivation hashing).
// Prints one JSON line of milliseconds; the CLI itself has no such figures.
import { createRequire } from "node:module";

const startup = performance.now(); // Node's own start, before this module runs
const config = process.argv[2];
const bundled = createRequire(import.meta.url)("../../packages/cli/bin/bundled-kiln.cjs").loadBundledKiln();
if (bundled !== undefined) bundled.main();
else await import(new URL("../../packages/cli/dist/main.js", import.meta.url).href);
const modulesLoaded = performance.now();
const { evaluateInstallable, findDerivations } = bundled !== undefined ? bundled.packages["@kiln/core"]() : await import("@kiln/core");
const evaluated = await evaluateInstallable(config, { storeDir: "/nix/store" });
const configLoaded = performance.now();
const found = findDerivations(evaluated);
const evaluatedAt = performance.now();
process.stdout.write(
  `${JSON.stringify({
    startupMs: startup,
    modulesMs: modulesLoaded - startup,
    configMs: configLoaded - modulesLoaded,
    evaluationMs: evaluatedAt - configLoaded,
    derivations: found.length,
  })}\n`,
);

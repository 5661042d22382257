// The `kiln` command runs Kiln as one bundled script (dist/bundle/kiln.cjs,
// made by `pnpm run build`), compiled from a V8 code cache kept in Kiln's
// cache directory: a config's `@kiln/*` imports are that same running
// instance (one Derivation class), and the code cache is written once and
// then taken as it is.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKiln } from "./run-kiln.js";

const root = mkdtempSync(join(tmpdir(), "kiln-bundled-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("kiln as one bundled script", () => {
  it("gives a config's @kiln/core and @kiln/pkgs imports the running Kiln's own instance", () => {
    writeFileSync(
      join(root, "kiln.ts"),
      `import { Derivation, derivation } from "@kiln/core";
import { callPackage } from "@kiln/pkgs";
const running = (globalThis as Record<symbol, Record<string, () => Record<string, unknown>>>)[Symbol.for("kiln.bundled-packages")];
const made = derivation({ name: "x", system: "x86_64-linux", builder: "/bin/sh" });
export default {
  core: running?.["@kiln/core"]?.()["Derivation"] === Derivation,
  pkgs: running?.["@kiln/pkgs"]?.()["callPackage"] === callPackage,
  made: made instanceof Derivation,
};
`,
    );
    const cache = join(root, "cache");
    const run = runKiln(["eval", "kiln.ts", "--json"], root, { KILN_EVAL_CACHE: "0", KILN_CACHE_DIR: cache });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ core: true, pkgs: true, made: true });
  });

  it("gives a config's imports of the packages @kiln/core re-exports the running instance too: one Derivation class whichever package names it", () => {
    writeFileSync(
      join(root, "kiln.ts"),
      `import { Derivation as CoreDerivation, derivation } from "@kiln/core";
import { Derivation } from "@kiln/formats";
import { StoreDatabase } from "@kiln/store";
import { readActivationManifest } from "@kiln/activation";
import { loadConfig } from "@kiln/config";
const running = (globalThis as Record<symbol, Record<string, () => Record<string, unknown>>>)[Symbol.for("kiln.bundled-packages")];
const made = derivation({ name: "x", system: "x86_64-linux", builder: "/bin/sh" });
export default {
  formats: running?.["@kiln/formats"]?.()["Derivation"] === Derivation,
  store: running?.["@kiln/store"]?.()["StoreDatabase"] === StoreDatabase,
  activation: running?.["@kiln/activation"]?.()["readActivationManifest"] === readActivationManifest,
  config: running?.["@kiln/config"]?.()["loadConfig"] === loadConfig,
  oneClass: Derivation === CoreDerivation,
  made: made instanceof Derivation,
};
`,
    );
    const cache = join(root, "cache");
    const run = runKiln(["eval", "kiln.ts", "--json"], root, { KILN_EVAL_CACHE: "0", KILN_CACHE_DIR: cache });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ formats: true, store: true, activation: true, config: true, oneClass: true, made: true });
  });

  it("writes V8's code cache of the bundle once, removing caches unused for a week, and the next run takes it without writing it again", () => {
    writeFileSync(join(root, "kiln.ts"), `export default { answer: 42 };\n`);
    const cache = join(root, "code-cache-run");
    const env = { KILN_EVAL_CACHE: "0", KILN_CACHE_DIR: cache };
    // Another build's caches: one unused for eight days, one used today.
    mkdirSync(join(cache, "code-cache"), { recursive: true });
    writeFileSync(join(cache, "code-cache", "old.bin"), "old");
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    utimesSync(join(cache, "code-cache", "old.bin"), eightDaysAgo, eightDaysAgo);
    writeFileSync(join(cache, "code-cache", "recent.bin"), "recent");
    expect(runKiln(["eval", "kiln.ts", "--json"], root, env).stdout).toBe(`${JSON.stringify({ answer: 42 }, null, 2)}\n`);
    const files = readdirSync(join(cache, "code-cache")).filter((file) => file !== "recent.bin");
    expect(files).toHaveLength(1);
    expect(files[0]).not.toBe("old.bin");
    const written = statSync(join(cache, "code-cache", files[0] as string)).mtimeMs;
    // A cache V8 rejected would be written again at exit.
    expect(runKiln(["eval", "kiln.ts", "--json"], root, env).stdout).toBe(`${JSON.stringify({ answer: 42 }, null, 2)}\n`);
    expect(readdirSync(join(cache, "code-cache")).sort()).toEqual([...files, "recent.bin"].sort());
    expect(statSync(join(cache, "code-cache", files[0] as string)).mtimeMs).toBe(written);
  });
});

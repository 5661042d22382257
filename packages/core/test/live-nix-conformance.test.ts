/**
 * Live conformance: a few hundred random derivations, written both as a
 * Kiln config and as a Nix file, must give the same `.drv` paths, output
 * paths and `.drv` bytes under Kiln as under a real `nix-instantiate`.
 * The seed is printed; KILN_CONFORMANCE_SEED=<seed> reproduces a run.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
// The config loader registers compiled module hooks, so load through the built package.
import { instantiate, isDerivation } from "@kiln/core";
import { toKiln, toNix } from "./live/emit.js";
import { SOURCE_EMPTY_DIRS, SOURCE_EXECUTABLES, SOURCE_FILES, SOURCE_SYMLINKS, generateSpecs } from "./live/random-derivations.js";

const hasNix = spawnSync("nix-instantiate", ["--version"]).status === 0;
const seed = Number(process.env["KILN_CONFORMANCE_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
const count = Number(process.env["KILN_CONFORMANCE_COUNT"] ?? 220);
const KILN_BIN = fileURLToPath(new URL("../../cli/bin/kiln.js", import.meta.url));
const workspace = mkdtempSync(join(tmpdir(), "kiln-live-"));

// KILN_CONFORMANCE_KEEP=1 keeps the generated files for a look after a failure.
afterAll(() => {
  if (process.env["KILN_CONFORMANCE_KEEP"] === "1") console.log(`kept ${workspace}`);
  else rmSync(workspace, { recursive: true, force: true });
});

function writeSources(root: string): void {
  for (const [relative, contents] of Object.entries(SOURCE_FILES)) {
    mkdirSync(dirname(join(root, relative)), { recursive: true });
    writeFileSync(join(root, relative), contents);
    chmodSync(join(root, relative), SOURCE_EXECUTABLES.includes(relative) ? 0o755 : 0o644);
  }
  for (const [relative, target] of Object.entries(SOURCE_SYMLINKS)) symlinkSync(target, join(root, relative));
  for (const relative of SOURCE_EMPTY_DIRS) mkdirSync(join(root, relative), { recursive: true });
}

/** A readable difference between two ATerms: the first differing position with context. */
function firstDifference(expected: string, actual: string): string {
  let at = 0;
  while (at < expected.length && expected[at] === actual[at]) at++;
  return `first difference at character ${at}:\n  nix:  ${JSON.stringify(expected.slice(Math.max(0, at - 60), at + 60))}\n  kiln: ${JSON.stringify(actual.slice(Math.max(0, at - 60), at + 60))}`;
}

describe.skipIf(!hasNix)(`live conformance with nix-instantiate (seed ${seed}, ${count} derivations)`, () => {
  it("Kiln and Nix agree on every .drv path, output path and .drv byte", async () => {
    console.log(`live conformance seed: ${seed} (reproduce with KILN_CONFORMANCE_SEED=${seed})`);
    const sources = join(workspace, "sources");
    writeSources(sources);
    const { specs, texts } = generateSpecs(seed, count);
    writeFileSync(join(workspace, "default.nix"), toNix(specs, texts, sources));
    writeFileSync(join(workspace, "kiln.ts"), toKiln(specs, texts, sources));

    // Nix, in a private store: the .drv files land under <nixStore>/nix/store.
    const nixStore = join(workspace, "nix-store");
    const expression = `builtins.mapAttrs (n: d: { drvPath = d.drvPath; outputs = builtins.listToAttrs (map (o: { name = o; value = d.\${o}.outPath; }) (d.outputs or [ "out" ])); }) (import ${join(workspace, "default.nix")})`;
    const nixOutput = execFileSync("nix-instantiate", ["--store", nixStore, "--eval", "--read-write-mode", "--strict", "--json", "-E", expression], {
      encoding: "utf8",
      env: { ...process.env, NIX_REMOTE: "" },
      maxBuffer: 1 << 28,
    });
    const nix = JSON.parse(nixOutput) as Record<string, { drvPath: string; outputs: Record<string, string> }>;

    // Kiln as a user runs it: the CLI, for paths.
    const cli = spawnSync(process.execPath, [KILN_BIN, "instantiate", join(workspace, "kiln.ts"), "--json", "--store-dir", "/nix/store"], {
      encoding: "utf8",
      maxBuffer: 1 << 28,
    });
    expect(cli.stderr, `seed ${seed}`).toBe("");
    const kiln = JSON.parse(cli.stdout) as Record<string, { drvPath: string; outputs: Record<string, string> }>;

    // And in process, for the bytes. (Vitest's module loading does not see Kiln's fallback
    // for `@kiln/core`, which the CLI run above exercises, so the config gets a node_modules link.)
    mkdirSync(join(workspace, "node_modules", "@kiln"), { recursive: true });
    symlinkSync(fileURLToPath(new URL("..", import.meta.url)), join(workspace, "node_modules", "@kiln", "core"));
    const found = await instantiate(join(workspace, "kiln.ts"), { storeDir: "/nix/store" });
    const byId = new Map(found.filter(({ derivation }) => isDerivation(derivation)).map(({ attrPath, derivation }) => [attrPath, derivation]));

    let checked = 0;
    for (const spec of specs) {
      const expected = nix[spec.id];
      const context = `seed ${seed}, case ${spec.id} (${spec.name})`;
      expect(kiln[spec.id]?.drvPath, context).toBe(expected?.drvPath);
      expect(kiln[spec.id]?.outputs, context).toEqual(expected?.outputs);
      const nixBytes = readFileSync(join(nixStore, expected?.drvPath ?? ""), "utf8");
      const kilnBytes = byId.get(spec.id)?.aterm ?? "";
      if (kilnBytes !== nixBytes) expect.fail(`${context}: .drv bytes differ; ${firstDifference(nixBytes, kilnBytes)}`);
      checked++;
    }
    expect(checked).toBe(count);
  });
});

/**
 * Live conformance: a few hundred random derivations, written both as a
 * Kiln config and as a Nix file, must give the same `.drv` paths, output
 * paths and `.drv` bytes under Kiln as under a real `nix-instantiate`.
 *
 * KILN_CONFORMANCE_SEED=<seed> reproduces a run (the seed is printed and is in
 * every failure message); KILN_CONFORMANCE_COUNT sets the number of
 * derivations (default 220); KILN_CONFORMANCE_KEEP=1 keeps the generated
 * files (they are kept anyway when the test fails).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
// The config loader registers compiled module hooks, so load through the built package.
import { instantiate } from "@kiln/config";
import { isDerivation } from "@kiln/formats";
import { diffAterms } from "./live/aterm-diff.js";
import { toKiln } from "./live/emit-kiln.js";
import { nixDerivationAttrs, toNix, type SourceLocation } from "./live/emit-nix.js";
import { dependenciesOf, type LiveCases, type LiveSpec } from "./live/live-spec.js";
import { generateCases } from "./live/random-derivations.js";
import { IMPORTABLE_SOURCES, writeSourceTree } from "./live/source-tree.js";

const hasNix = spawnSync("nix-instantiate", ["--version"]).status === 0;
const seed = Number(process.env["KILN_CONFORMANCE_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
const count = Number(process.env["KILN_CONFORMANCE_COUNT"] ?? 220);
const KILN_BIN = fileURLToPath(new URL("../../cli/bin/kiln.js", import.meta.url));
const STORE_DIR = "/nix/store";
const reproduce = `KILN_CONFORMANCE_SEED=${seed} KILN_CONFORMANCE_COUNT=${count} npx vitest run packages/config/test/live-nix-conformance.test.ts`;

if (!hasNix) console.warn("live conformance skipped: nix-instantiate is not on PATH");

/** Paths and outputs of one derivation, as both tools report them. */
interface Instantiated {
  readonly drvPath: string;
  readonly outputs: Readonly<Record<string, string>>;
}

let workspace: string | undefined;
let keep = process.env["KILN_CONFORMANCE_KEEP"] === "1";

afterAll(() => {
  if (workspace === undefined) return;
  if (keep) console.log(`live conformance files kept in ${workspace}`);
  else rmSync(workspace, { recursive: true, force: true });
});

/** Fails the test with the seed and how to reproduce, keeping the generated files. */
function failRun(problem: string): never {
  keep = true;
  return expect.fail(`live conformance, seed ${seed}: ${problem}\nfiles kept in ${workspace}\nreproduce: ${reproduce}`);
}

/** sha256 NAR hashes of the importable sources, from `nix-hash`, so that fixed-output derivations can share their paths. */
function sourceNarHashes(sourcesDir: string): Record<string, string> {
  const paths = IMPORTABLE_SOURCES.map((relative) => join(sourcesDir, relative));
  const hashes = execFileSync("nix-hash", ["--type", "sha256", ...paths], { encoding: "utf8" }).trim().split("\n");
  return Object.fromEntries(IMPORTABLE_SOURCES.map((relative, index) => [relative, hashes[index] as string]));
}

/** Nix: evaluates every derivation's paths in a private store, which writes the `.drv` files there. */
function runNix(nixFile: string, nixStore: string): Record<string, Instantiated> {
  const expression = `builtins.mapAttrs (n: d: { drvPath = d.drvPath; outputs = builtins.listToAttrs (map (o: { name = o; value = d.\${o}.outPath; }) (d.outputs or [ "out" ])); }) (import ${nixFile})`;
  const result = spawnSync("nix-instantiate", ["--store", nixStore, "--eval", "--read-write-mode", "--strict", "--json", "--option", "substituters", "", "-E", expression], {
    encoding: "utf8",
    env: { ...process.env, NIX_REMOTE: "" },
    maxBuffer: 1 << 28,
  });
  if (result.status !== 0) failRun(`nix-instantiate failed (a generator bug, or Nix refuses a case):\n${result.stderr.slice(0, 4000)}`);
  return JSON.parse(result.stdout) as Record<string, Instantiated>;
}

/** Kiln as a user runs it, the CLI in its own process: paths. */
function runKilnCli(config: string): Record<string, Instantiated> {
  const result = spawnSync(process.execPath, [KILN_BIN, "instantiate", config, "--json", "--store-dir", STORE_DIR], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (result.status !== 0) failRun(`kiln instantiate failed (exit ${result.status}):\n${result.stderr.slice(0, 4000)}`);
  return JSON.parse(result.stdout) as Record<string, Instantiated>;
}

/** Kiln in this process: the `.drv` text of every derivation, by attribute path. */
async function runKilnInProcess(config: string): Promise<Map<string, { drvPath: string; aterm: string }>> {
  // Vitest's module loading does not see the CLI's fallback for `@kiln/core` (which the CLI run
  // exercises), so the config gets a node_modules link; made after the CLI run, so as not to help it.
  const link = join(workspace as string, "node_modules", "@kiln");
  mkdirSync(link, { recursive: true });
  symlinkSync(fileURLToPath(new URL("../../core", import.meta.url)), join(link, "core"));
  const found = await instantiate(config, { storeDir: STORE_DIR });
  return new Map(found.filter(({ derivation }) => isDerivation(derivation)).map(({ attrPath, derivation }) => [attrPath, { drvPath: derivation.drvPath, aterm: derivation.aterm }]));
}

/** JSON of an output map with its keys sorted: the order of outputs in `--json` is not significant. */
function sortedJson(outputs: Readonly<Record<string, string>> | undefined): string {
  return JSON.stringify(outputs === undefined ? null : Object.fromEntries(Object.entries(outputs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/** Shortens each line of generated source to keep failure messages readable. */
function clipLines(text: string, width = 240): string {
  return text
    .split("\n")
    .map((line) => (line.length > width ? `${line.slice(0, width)}… (${line.length - width} more characters)` : line))
    .join("\n");
}

/** What differs for one case, if anything. */
interface Mismatch {
  readonly spec: LiveSpec;
  readonly problems: string[];
  readonly diff?: string;
}

function compareCase(spec: LiveSpec, nix: Instantiated | undefined, cli: Instantiated | undefined, inProcess: { drvPath: string; aterm: string } | undefined, nixStore: string): Mismatch | undefined {
  if (nix === undefined) return { spec, problems: ["Nix did not report this case"] };
  const problems: string[] = [];
  if (cli?.drvPath !== nix.drvPath || inProcess?.drvPath !== nix.drvPath) {
    const kiln = cli?.drvPath === inProcess?.drvPath ? `kiln ${cli?.drvPath}` : `kiln CLI ${cli?.drvPath}, kiln in process ${inProcess?.drvPath}`;
    problems.push(`drvPath: nix ${nix.drvPath}, ${kiln}`);
  }
  if (sortedJson(cli?.outputs) !== sortedJson(nix.outputs)) problems.push(`outputs: nix ${sortedJson(nix.outputs)}, kiln CLI ${sortedJson(cli?.outputs)}`);
  const nixBytes = readFileSync(join(nixStore, nix.drvPath), "utf8");
  const diff = diffAterms(nixBytes, inProcess?.aterm ?? "");
  if (diff !== undefined) problems.push(".drv bytes differ");
  return problems.length === 0 ? undefined : { spec, problems, ...(diff !== undefined ? { diff } : {}) };
}

/** The `const dN = …` statement of a case in the generated kiln.ts. */
function kilnSourceOf(kilnText: string, id: string): string {
  const start = kilnText.indexOf(`\nconst ${id}: any = `);
  const end = kilnText.indexOf("\nconst ", start + 1);
  return kilnText.slice(start + 1, end < 0 ? kilnText.indexOf("\nexport default", start) : end);
}

/**
 * The failure message: every mismatching case, causes first. A case is a
 * cause when none of the derivations it refers to differ; the others may
 * only inherit a dependency's difference.
 */
function report(mismatches: readonly Mismatch[], cases: LiveCases, location: SourceLocation, kilnText: string): string {
  const differing = new Set(mismatches.map(({ spec }) => spec.id));
  const causes = mismatches.filter(({ spec }) => ![...dependenciesOf(spec)].some((id) => differing.has(id)));
  const lines = [`${mismatches.length} of ${cases.specs.length} cases differ, ${causes.length} of them on their own (the rest may only inherit a dependency's difference).`];
  lines.push(`causes: ${causes.map(({ spec }) => `${spec.id} [${spec.tags.join(" ")}]`).join("; ")}`);
  for (const { spec, problems, diff } of causes.slice(0, 4)) {
    lines.push("", `== seed ${seed}, case ${spec.id} (name ${JSON.stringify(spec.name)}), tags: ${spec.tags.join(" ")}`);
    lines.push(...problems.map((problem) => `   ${problem}`));
    if (diff !== undefined) lines.push(diff);
    lines.push("-- nix:", clipLines(`derivation ${nixDerivationAttrs(spec, location)}`), "-- kiln:", clipLines(kilnSourceOf(kilnText, spec.id)));
  }
  return lines.join("\n");
}

describe.skipIf(!hasNix)(`live conformance with nix-instantiate (seed ${seed}, ${count} derivations)`, () => {
  it(`Kiln and Nix agree on every .drv path, output path and .drv byte (seed ${seed})`, async () => {
    console.log(`live conformance seed: ${seed} (reproduce: ${reproduce})`);
    // The real path, so that the Nix file can use it as a path literal.
    workspace = realpathSync(mkdtempSync(join(tmpdir(), "kiln-live-")));
    const location: SourceLocation = { relativeDir: "sources", absoluteDir: join(workspace, "sources") };
    writeSourceTree(location.absoluteDir);
    const cases = generateCases({ seed, count, sourceNarHashes: sourceNarHashes(location.absoluteDir), sourceRootName: "sources" });
    const nixFile = join(workspace, "default.nix");
    const kilnFile = join(workspace, "kiln.ts");
    const kilnText = toKiln(cases, seed, location);
    writeFileSync(nixFile, toNix(cases, location));
    writeFileSync(kilnFile, kilnText);

    const nixStore = join(workspace, "nix-store");
    const nix = runNix(nixFile, nixStore);
    const cli = runKilnCli(kilnFile);
    const inProcess = await runKilnInProcess(kilnFile);

    const mismatches = cases.specs.map((spec) => compareCase(spec, nix[spec.id], cli[spec.id], inProcess.get(spec.id), nixStore)).filter((mismatch) => mismatch !== undefined);
    if (mismatches.length > 0) failRun(report(mismatches, cases, location, kilnText));
    expect(Object.keys(nix)).toHaveLength(count);
  });
});

/**
 * The same real package realised by real Nix: GNU hello's derivations (stdenv
 * included) are handed to Nix through the nix realiser, which fetches the
 * source from the hashed mirror itself and adds it by content, and Nix builds
 * at exactly the output path Kiln predicted, which is where the local
 * realiser builds it too (the `.drv` is the same). That is hello of the
 * host toolchain (`stdenvHost`): the hermetic stdenv's builds need Kiln's
 * build root, which Nix's sandbox lacks, and the nix realiser says so.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { NixRealiser, buildDerivationGraph, fetchSettingsFromEnvironment, setStoreDir, targetsOf } from "@kiln/core";
import { makePkgs, packagesOverlay, type RealPackages, type PackageSet } from "../src/index.js";

const repo = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const mirror = resolve(process.env["KILN_SOURCE_MIRROR"] ?? join(repo, ".cache/sources"));
const helloSource = join(mirror, "sha256", "31e066137a962676e89f69d1b65382de95a7ef7d914b8cb956f41ea72e0f516b");
const hasNix = spawnSync("nix-store", ["--version"]).status === 0;

it.skipIf(!hasNix || !existsSync(helloSource))("builds hello through real Nix at the output path Kiln predicted", { timeout: 600_000 }, async () => {
  setStoreDir("/nix/store");
  // A fresh set: packages belong to the store directory in use when they are first read.
  const pkgs = makePkgs<PackageSet & RealPackages>({ toolchain: "host", overlays: [packagesOverlay] });
  const hello = pkgs.hello;
  const realiser = new NixRealiser({
    env: { ...process.env, NIX_REMOTE: "" },
    extraArgs: ["--option", "substituters", ""],
    fetchSettings: fetchSettingsFromEnvironment({ KILN_HASHED_MIRRORS: mirror, KILN_FETCH_ATTEMPTS: "1", KILN_CONNECT_TIMEOUT: "5" }),
  });
  const result = await realiser.realise(buildDerivationGraph([hello]), targetsOf([hello]));
  const predicted = hello.outputs.out?.path ?? "";
  expect(result.failed).toEqual([]);
  expect(result.outputs.get(hello.drvPath)).toEqual({ out: predicted });
  expect(execFileSync(join(predicted, "bin", "hello"), { encoding: "utf8" })).toBe("Hello, world!\n");
});

it.skipIf(!hasNix)("refuses hello of the hermetic stdenv before Nix builds anything, saying it needs Kiln's build root", async () => {
  setStoreDir("/nix/store");
  const hello = makePkgs<PackageSet & RealPackages>({ overlays: [packagesOverlay] }).hello;
  const realiser = new NixRealiser({ env: { ...process.env, NIX_REMOTE: "" }, extraArgs: ["--option", "substituters", ""] });
  const result = await realiser.realise(buildDerivationGraph([hello]), targetsOf([hello]));
  const refusal = result.failed.find((failure) => failure.drvPath === hello.drvPath);
  expect(refusal?.message).toContain("builds with its own /usr, /lib and /bin");
  expect(refusal?.message).toContain("stdenvHost");
  // The Debian toolchain's unpacking runs only inside Kiln, which is said too.
  expect(result.failed.some((failure) => failure.message.includes("'builtin:kiln-debian-unpack' runs only inside Kiln"))).toBe(true);
});

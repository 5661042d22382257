// `pnpm bench startup`: how fast the installed `kiln` starts, side by side
// with its peers in one run (rounds interleaved):
//
// 1. `kiln --version` against `node -e 0` (Node's own start-up, the floor);
//    goal: within 1.5x.
// 2. A no-op `kiln build` of examples/hello (built once, untimed; then
//    evaluated and found valid) against `nix-build`'s no-op of the same
//    derivation (bench/startup/hello.nix, whose .drv path is Kiln's for
//    /nix/store); goal: within 2x.
//
// The CLI is packed (`pnpm run pack-cli`) and installed with npm into a
// temporary prefix, as a user installs it; the checkout's `kiln` (unbundled,
// started by path) is timed beside it for comparison. BENCH_ROUNDS (15)
// sets the rounds; KILN_BIN=PATH times that `kiln` instead of installing one.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KILN, has, median, ms, timed } from "./common.js";

const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const repo = fileURLToPath(new URL("..", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "kiln-bench-startup-"));
const NIX_ENV = { ...process.env, NIX_REMOTE: "" };
const NIX_OPTIONS = ["--option", "sandbox", "false", "--option", "build-users-group", "", "--option", "substituters", ""];

/** Packs the CLI and installs it into a temporary prefix; returns its `kiln`. */
function installKiln() {
  const prebuilds = join(root, "prebuilds");
  const packed = spawnSync(process.execPath, [join(repo, "scripts", "pack-cli.js"), "--out", join(root, "pack"), "--prebuilds", prebuilds], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (packed.status !== 0) throw new Error("pnpm run pack-cli failed");
  const prefix = join(root, "prefix");
  const install = spawnSync("npm", ["install", "--global", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", packed.stdout.trim()], {
    encoding: "utf8",
    env: { ...process.env, npm_config_better_sqlite3_local_prebuilds: prebuilds },
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (install.status !== 0) throw new Error("npm install of the packed CLI failed");
  return join(prefix, "bin", "kiln");
}

/** Times `command args` once per round, interleaving the sides (the order alternating); returns each side's median. */
function sideBySide(sides) {
  const times = sides.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sides.map((_, index) => index) : sides.map((_, index) => sides.length - 1 - index);
    for (const index of order) times[index].push(timed(sides[index].command, sides[index].args, sides[index].options ?? {}).ms);
  }
  return times.map(median);
}

function report(label, sides, medians, goal) {
  console.log(label);
  sides.forEach((side, index) => console.log(`  ${side.name.padEnd(34)} ${ms(medians[index]).padStart(8)}${index === 0 ? "" : `   kiln/this ${(medians[0] / medians[index]).toFixed(2)}x`}`));
  console.log(`  goal: kiln within ${goal}x of ${sides[1].name}`);
}

try {
  const installed = process.env.KILN_BIN ?? installKiln();
  const kilnEnv = { ...process.env, KILN_STORE_DIR: join(root, "store"), KILN_STATE_DIR: join(root, "state"), KILN_CACHE_DIR: join(root, "cache") };

  const version = [
    { name: "kiln --version (installed)", command: installed, args: ["--version"] },
    { name: "node -e 0", command: process.execPath, args: ["-e", "0"] },
    { name: "kiln --version (checkout, by path)", command: process.execPath, args: [KILN, "--version"] },
  ];
  // One untimed run each, so that no side pays for a cold disk cache.
  for (const side of version) timed(side.command, side.args);
  report(`start-up, median of ${rounds}:`, version, sideBySide(version), 1.5);

  // The example copied, so that no `result` link lands in the checkout.
  const hello = join(root, "hello");
  cpSync(join(repo, "examples", "hello"), hello, { recursive: true, filter: (source) => !source.includes("node_modules") });
  const build = [{ name: "kiln build (no-op, installed)", command: installed, args: ["build", `${hello}#hello`, "--no-link"], options: { env: kilnEnv } }];
  if (has("nix-build")) {
    build.push({ name: "nix-build (no-op)", command: "nix-build", args: [join(repo, "bench", "startup", "hello.nix"), "--no-out-link", ...NIX_OPTIONS], options: { env: NIX_ENV } });
  } else {
    console.log("(nix-build not found: Kiln's side alone)");
  }
  build.push({ name: "kiln build (no-op, checkout)", command: process.execPath, args: [KILN, "build", `${hello}#hello`, "--no-link"], options: { env: kilnEnv } });
  // The first builds, untimed: everything after is a no-op.
  for (const side of build) timed(side.command, side.args, side.options);
  const medians = sideBySide(build);
  if (build[1].name.startsWith("nix-build")) report(`no-op build of examples/hello, median of ${rounds}:`, build, medians, 2);
  else console.log(`no-op build of examples/hello: ${ms(medians[0])}`);
} finally {
  spawnSync("chmod", ["-R", "u+w", root], { stdio: "ignore" });
  rmSync(root, { recursive: true, force: true });
}

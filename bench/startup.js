// `pnpm bench startup`: how fast the installed `kiln` starts, side by side
// with its peers in one run (rounds interleaved):
//
// 1. `kiln --version` against `node -e 0` (Node's own start-up, the floor);
//    goal: within 1.5x.
// 2. A no-op `kiln build` of examples/hello (built once, untimed; then
//    answered from the evaluation cache and found valid; also with the
//    cache off, evaluated each time) against `nix-build`'s no-op of the same
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
import { KILN, has, installPackedKiln, ms, reportSides, sideBySide, timed } from "./common.js";

const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const repo = fileURLToPath(new URL("..", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "kiln-bench-startup-"));
const NIX_ENV = { ...process.env, NIX_REMOTE: "" };
const NIX_OPTIONS = ["--option", "sandbox", "false", "--option", "build-users-group", "", "--option", "substituters", ""];

try {
  const installed = process.env.KILN_BIN ?? installPackedKiln(root);
  const kilnEnv = { ...process.env, KILN_STORE_DIR: join(root, "store"), KILN_STATE_DIR: join(root, "state"), KILN_CACHE_DIR: join(root, "cache") };

  const version = [
    { name: "kiln --version (installed)", command: installed, args: ["--version"] },
    { name: "node -e 0", command: process.execPath, args: ["-e", "0"] },
    { name: "kiln --version (checkout, by path)", command: process.execPath, args: [KILN, "--version"] },
  ];
  // One untimed run each, so that no side pays for a cold disk cache.
  for (const side of version) timed(side.command, side.args);
  reportSides(`start-up, median of ${rounds}:`, version, sideBySide(version, rounds), 1.5);

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
  // The same no-op, evaluating the config as if it had changed (the evaluation cache off).
  build.push({ name: "kiln build (no-op, installed, eval)", command: installed, args: ["build", `${hello}#hello`, "--no-link"], options: { env: { ...kilnEnv, KILN_EVAL_CACHE: "0" } } });
  // The first builds, untimed: everything after is a no-op.
  for (const side of build) timed(side.command, side.args, side.options);
  const medians = sideBySide(build, rounds);
  if (build[1].name.startsWith("nix-build")) reportSides(`no-op build of examples/hello, median of ${rounds}:`, build, medians, 2);
  else console.log(`no-op build of examples/hello: ${ms(medians[0].wall)}`);
} finally {
  spawnSync("chmod", ["-R", "u+w", root], { stdio: "ignore" });
  rmSync(root, { recursive: true, force: true });
}

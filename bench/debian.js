// `pnpm bench debian`: Debian packages, side by side with apt in one run.
//
// - Resolving and instantiating the closures of 50 real packages: `kiln
//   instantiate` of bench/debian/kiln.ts (index already in the store) against
//   `apt-get install --simulate` of the same 50 on an empty dpkg status.
// - Fetching and unpacking about 90 MB of .debs (ten large packages, from the
//   mirror, no cache): `kiln build` of their unpacked trees against `apt-get
//   download` plus `dpkg-deb -x` of the same files, once each.
// - The FHS wrapper's cost: `hello --version` through the package's
//   bin/hello (bubblewrap, the closure as /usr, /lib, …) against the same
//   binary run directly, median of BENCH_ROUNDS (default 20) runs each.
//
// Downloads come from the cache in .cache/debian when present. Needs the
// archive (the host's apt sources or KILN_DEBIAN_MIRRORS), apt-get and bwrap.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KILN, has, median, ms, timed } from "./common.js";

const PACKAGES = [
  "htop", "jq", "git", "nginx-light", "tree", "curl", "openssh-client", "vim-tiny", "python3-minimal", "less",
  "wget", "rsync", "gnupg", "ca-certificates", "man-db", "sudo", "tmux", "zstd", "file", "procps",
  "iproute2", "perl", "nano", "bc", "hello", "lua5.4", "units", "gawk", "sed", "make",
  "patch", "diffutils", "findutils", "xz-utils", "bzip2", "unzip", "zip", "screen", "lsof", "strace",
  "ncdu", "mc", "ripgrep", "fd-find", "sqlite3", "socat", "netcat-openbsd", "dnsutils", "whois", "pv",
];
const DEBS = ["libllvm14", "gcc-12", "g++-12", "cpp-12", "libicu72", "libgl1-mesa-dri", "libperl5.36", "libpython3.11-stdlib", "libstdc++-12-dev", "libgcc-12-dev"];
const rounds = Number(process.env.BENCH_ROUNDS ?? 20);
const repo = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "kiln-bench-debian-"));
const env = {
  ...process.env,
  KILN_STORE_DIR: join(dir, "store"),
  KILN_STATE_DIR: join(dir, "state"),
  KILN_HASHED_MIRRORS: process.env.KILN_DEBIAN_CACHE ?? join(repo, ".cache/debian"),
  BENCH_DEBIAN_PACKAGES: PACKAGES.join(" "),
  // The evaluation cache is off: this measures evaluating.
  KILN_EVAL_CACHE: "0",
};

try {
  if (!has("apt-get") || !has("bwrap")) throw new Error("the debian benchmark needs apt-get and bwrap");
  const config = join(dir, "kiln.ts");
  copyFileSync(fileURLToPath(new URL("./debian/kiln.ts", import.meta.url)), config);
  // Locks bookworm and puts its index into the store; not timed.
  timed(process.execPath, [KILN, "update", "--file", config], { env });

  const instantiate = () => timed(process.execPath, [KILN, "instantiate", config, "--read-only"], { env });
  const status = join(dir, "status");
  writeFileSync(status, "");
  const apt = () => timed("apt-get", ["-q", "-o", `Dir::State::status=${status}`, "-o", "APT::Install-Recommends=false", "install", "--simulate", ...PACKAGES], { env });
  instantiate();
  apt();
  const kilnTimes = [];
  const aptTimes = [];
  for (let i = 0; i < 5; i++) {
    kilnTimes.push(instantiate().ms);
    aptTimes.push(apt().ms);
  }
  const kilnMs = median(kilnTimes);
  const aptMs = median(aptTimes);
  console.log(`closures of ${PACKAGES.length} packages: kiln instantiate ${ms(kilnMs)}, apt-get install --simulate ${ms(aptMs)}, ratio ${(kilnMs / aptMs).toFixed(2)} (goal: at most 2)`);

  // Fetching and unpacking: both from the mirror, neither from a cache.
  const debsConfig = join(dir, "debs.ts");
  copyFileSync(fileURLToPath(new URL("./debian/debs.ts", import.meta.url)), debsConfig);
  const noCache = { ...env, KILN_HASHED_MIRRORS: "", BENCH_DEBIAN_DEBS: DEBS.join(" ") };
  const kilnFetch = timed(process.execPath, [KILN, "build", debsConfig, "--no-link"], { env: noCache }).ms;
  const aptDir = join(dir, "apt");
  mkdirSync(aptDir);
  chmodSync(aptDir, 0o777);
  const aptFetch = timed("sh", ["-c", `cd ${aptDir} && apt-get -q download ${DEBS.join(" ")} >/dev/null && for f in *.deb; do dpkg-deb -x "$f" "x-$f"; done`], { env }).ms;
  const bytes = Number(spawnSync("sh", ["-c", `cat ${aptDir}/*.deb | wc -c`], { encoding: "utf8" }).stdout.trim());
  console.log(`fetching and unpacking ${(bytes / 1e6).toFixed(0)} MB of .debs: kiln build ${ms(kilnFetch)}, apt-get download + dpkg-deb -x ${ms(aptFetch)}, ratio ${(kilnFetch / aptFetch).toFixed(2)} (goal: at most 1.5)`);

  // The wrapper's cost.
  timed(process.execPath, [KILN, "build", `${config}#hello`, "--out-link", join(dir, "hello")], { env: { ...env, BENCH_DEBIAN_PACKAGES: "hello" } });
  const wrapper = join(dir, "hello/bin/hello");
  const closure = readFileSync(join(dir, "hello/kiln-debian/closure"), "utf8").trim().split("\n");
  const direct = join(closure[0], "usr/bin/hello");
  const through = [];
  const plain = [];
  for (let i = 0; i < rounds; i++) {
    through.push(timed(wrapper, ["--version"]).ms);
    plain.push(timed(direct, ["--version"]).ms);
  }
  const added = median(through) - median(plain);
  console.log(`hello --version: through the FHS wrapper ${median(through).toFixed(1)} ms, directly ${median(plain).toFixed(1)} ms, added ${added.toFixed(1)} ms (goal: under 10 ms)`);
} finally {
  spawnSync("chmod", ["-R", "u+w", dir]);
  rmSync(dir, { recursive: true, force: true });
}

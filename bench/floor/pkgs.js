// The pkgs benchmark's package set with its three overlays already applied
// (each package made once, from its final attributes, bottom-up), made with
// minimal-derivation.js: the floor of any Node program for `pnpm bench pkgs`.
// Prints the `.drv` paths of the selected packages and the bundles, as
// `kiln instantiate` and `nix-instantiate` of bench/pkgs do.
// Usage: node pkgs.js PACKAGES SELECTED
import { minimalDerivation } from "./minimal-derivation.js";

const count = Number(process.argv[2] ?? 2000);
const selectedCount = Number(process.argv[3] ?? 95);
const ARGS = ["-c", "echo $deps > $out"];
// Overlay 3 overrides the dependencies of package count-7; that it is not also patched keeps this program short.
if ((count - 7) % 10 === 0) throw new Error("the floor handles only sets whose package count-7 is not patched");

const make = (pname, version, deps, env) => {
  const name = `${pname}-${version}`;
  const attributes = { ...env, builder: "/bin/sh", deps: deps.map((input) => input.outPath).join(" "), name, system: "x86_64-linux" };
  return minimalDerivation(name, "x86_64-linux", "/bin/sh", ARGS, attributes, deps);
};

const packages = [];
for (let i = 0; i < count; i++) {
  // Overlay 1: package i depends on i-1 and i/2; overlay 2: every 25th also on package 3, every 10th is patched;
  // overlay 3: package 0 gets a seed, package count-7 other dependencies.
  let deps = i === 0 ? [] : [packages[i - 1], packages[Math.floor(i / 2)]];
  if (i > 0 && i % 25 === 0) deps.push(packages[3]);
  if (i === count - 7) deps = [packages[count - 8], packages[Math.floor(count / 3)]];
  const patched = i > 0 && i % 10 === 0;
  const env = i === 0 ? { seed: "3" } : patched ? { patched: "1" } : {};
  packages.push(make(`pkg_${i}`, patched ? "1.0-p1" : "1.0", deps, env));
}
const selected = packages.slice(Math.max(0, count - selectedCount));
for (let k = 0; k < 5; k++) selected.push(make(`bundle_${k}`, "1.0", [packages[count - 1 - k], packages[k]], {}));
process.stdout.write(`${selected.map((made) => made.drvPath).join("\n")}\n`);

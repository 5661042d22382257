// The instantiate benchmark's graph (node i depends on nodes i-1 and
// floor(i/2)) made with minimal-derivation.js: the floor of any Node program
// for `pnpm bench instantiate`. Prints the last node's `.drv` path, as
// `kiln instantiate` and `nix-instantiate` do. Usage: node instantiate.js N
import { minimalDerivation } from "./minimal-derivation.js";

const count = Number(process.argv[2] ?? 10000);
const ARGS = ["-c", "echo $deps > $out"];
const nodes = [];
for (let i = 0; i < count; i++) {
  const inputs = i === 0 ? [] : [nodes[i - 1], nodes[Math.floor(i / 2)]];
  const deps = inputs.map((input) => input.outPath).join(" ");
  const name = `node-${i}`;
  nodes.push(minimalDerivation(name, "x86_64-linux", "/bin/sh", ARGS, { builder: "/bin/sh", deps, name, system: "x86_64-linux" }, inputs));
}
process.stdout.write(`${nodes[count - 1].drvPath}\n`);

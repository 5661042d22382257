// The instantiate benchmark's graph: node i depends on nodes i-1 and floor(i/2).
// bench/instantiate/graph.nix is the same graph in Nix; both give the same .drv paths.
import { derivation, type Derivation } from "@kiln/core";

const count = Number(process.env["BENCH_NODES"] ?? 10000);
const nodes: Derivation[] = [];
for (let i = 0; i < count; i++) {
  const deps = i === 0 ? "" : `${nodes[i - 1]} ${nodes[Math.floor(i / 2)]}`;
  nodes.push(derivation({ name: `node-${i}`, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", "echo $deps > $out"], deps }));
}

export default nodes[count - 1];

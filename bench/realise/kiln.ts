// The realise benchmark's graph: node i depends on node i-1 (a chain) and on node
// floor(i/10) (fan-out). BENCH_NODES sets the size, BENCH_NONCE makes a fresh graph.
// bench/realise/graph.nix is the same graph in Nix.
import { derivation, type Derivation } from "@kiln/core";

const count = Number(process.env["BENCH_NODES"] ?? 1000);
const nonce = process.env["BENCH_NONCE"] ?? "0";
const nodes: Derivation[] = [];
for (let i = 0; i < count; i++) {
  const deps = i === 0 ? "" : `${nodes[i - 1]} ${nodes[Math.floor(i / 10)]}`;
  nodes.push(derivation({ name: `r-${i}`, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", "echo $deps > $out"], deps, nonce }));
}

export default nodes[count - 1];

// The realise benchmark's graph in Kiln; bench/realise/graph.nix is the same graph in Nix
// (the same .drv paths, which bench/realise.test.ts checks).
//
// Node i depends on node i-1 (a chain, for depth) and on node floor(i/FANOUT)
// (for width: many nodes share an early dependency). Each builder writes its
// dependencies' paths to $out, so every output refers to its inputs.
//
// BENCH_NODES: how many nodes (default 1000). BENCH_FANOUT: the divisor (default 10).
// BENCH_NONCE: an attribute of every node, so that a fresh nonce is a graph nothing has built.
import { derivation, type Derivation } from "@kiln/core";

const count = Number(process.env["BENCH_NODES"] ?? 1000);
const fanout = Number(process.env["BENCH_FANOUT"] ?? 10);
const nonce = process.env["BENCH_NONCE"] ?? "0";

const nodes: Derivation[] = [];
for (let i = 0; i < count; i++) {
  const deps = i === 0 ? "" : `${nodes[i - 1]} ${nodes[Math.floor(i / fanout)]}`;
  nodes.push(derivation({ name: `r-${i}`, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", "echo $deps > $out"], deps, nonce }));
}

export default nodes[count - 1];

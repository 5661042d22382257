// The sandbox-overhead graph of `pnpm bench realise`: BENCH_NODES trivial
// derivations with no inputs at all, so that building them sandboxed and
// unsandboxed differs only by the sandbox's setup per build.
// BENCH_NONCE makes a graph nothing has built.
import { derivation, type Derivation } from "@kiln/core";

const count = Number(process.env["BENCH_NODES"] ?? 200);
const nonce = process.env["BENCH_NONCE"] ?? "0";

const nodes: Derivation[] = [];
for (let i = 0; i < count; i++) nodes.push(derivation({ name: `s-${i}`, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", "echo $nonce > $out"], nonce }));

export default nodes;

/**
 * A realisation writes its graph's `.drv` files a batch at a time while the
 * first builds run, and still starts each build only once its own `.drv`
 * and those of its inputs are valid in the store, as Nix requires.
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import { buildDerivationGraph, derivation, targetsOf, type Derivation } from "@kiln/formats";
import { LocalRealiser } from "../../src/index.js";
import { GraphWriting } from "../../src/realise/graph-writing.js";
import { temporaryStore, type TemporaryStore } from "./temporary-store.js";

let t: TemporaryStore;
beforeEach(() => {
  t = temporaryStore();
});
afterEach(() => t.dispose());

/** Node i needs i-1 and i/10, as the realise benchmark's graph. */
function chain(count: number, prefix: string): Derivation[] {
  const nodes: Derivation[] = [];
  for (let i = 0; i < count; i++) {
    const deps = i === 0 ? "" : `${nodes[i - 1]} ${nodes[Math.floor(i / 10)]}`;
    nodes.push(derivation({ name: `${prefix}-${i}`, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", 'echo $deps > "$out"'], deps }));
  }
  return nodes;
}

it("writes the first batch at once and the rest in later turns, counting a .drv written only once it is valid", async () => {
  const nodes = chain(100, "g");
  const graph = buildDerivationGraph([nodes.at(-1) as Derivation]);
  const toBuild = nodes.map((node) => node.drvPath);
  const writing = new GraphWriting(t.store, graph, toBuild);
  const claimedInvalid: string[] = [];
  const check = (): void => {
    for (const drvPath of toBuild) if (writing.isWritten(drvPath) && !t.store.isValid(drvPath)) claimedInvalid.push(drvPath);
  };
  writing.onBatch(check);
  writing.start();
  check();
  expect(writing.isWritten(nodes[0]?.drvPath as string)).toBe(true);
  expect(writing.isWritten(nodes[99]?.drvPath as string)).toBe(false);
  while (!writing.done) await writing.nextBatch();
  expect(claimedInvalid).toEqual([]);
  expect(writing.error).toBeUndefined();
  for (const drvPath of toBuild) expect(t.store.isValid(drvPath)).toBe(true);
});

it("a graph of many batches is built with every build started only once its .drv and its inputs' .drv files are valid", async () => {
  // Far more .drv files than a batch.
  const nodes = chain(120, "w");
  const top = nodes.at(-1) as Derivation;
  const graph = buildDerivationGraph([top]);
  const startedInvalid: string[] = [];
  const realiser = new LocalRealiser({ store: t.store, sandbox: false });
  const result = await realiser.realise(graph, targetsOf([top]), {
    jobs: 2,
    onEvent: (event) => {
      if (event.type !== "build-started") return;
      const inputs = [...(graph.derivations.get(event.drvPath)?.inputDrvs.keys() ?? [])];
      for (const path of [event.drvPath, ...inputs]) if (!t.store.isValid(path)) startedInvalid.push(`${event.drvPath} started before ${path} was valid`);
    },
  });
  expect(result.failed).toEqual([]);
  expect(result.built.length).toBe(120);
  expect(startedInvalid).toEqual([]);
  for (const drvPath of graph.derivations.keys()) expect(t.store.isValid(drvPath), drvPath).toBe(true);
  expect(t.store.isValid(top.outPath)).toBe(true);
});

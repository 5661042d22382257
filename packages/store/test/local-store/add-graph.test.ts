/**
 * Adding a graph to the store writes every `.drv` and text source, as Nix
 * writes them, with their references and NAR hashes, registered in batches;
 * a batch that cannot be registered leaves nothing of itself behind: no
 * file, and none of its paths valid. Each file is written at its path,
 * canonical (read-only, mtime 1), over what an interrupted run left there.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildDerivationGraph, derivation, drvReferences, hashPathSync, printAterm, toFile, type Derivation } from "@kiln/formats";
import { temporaryStore, type TemporaryStore } from "../realise/temporary-store.js";

let t: TemporaryStore;
beforeEach(() => {
  t = temporaryStore();
});
afterEach(() => t.dispose());

/** A chain of `length` derivations, each naming the one before and a text source. */
function chain(length: number): Derivation[] {
  const note = toFile("note", "a text source\n");
  const nodes: Derivation[] = [];
  for (let i = 0; i < length; i++) {
    nodes.push(derivation({ name: `n-${i}`, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", "echo > $out"], previous: i === 0 ? note : `${nodes[i - 1]}` }));
  }
  return nodes;
}

function temporaries(): string[] {
  return readdirSync(t.store.storeDir).filter((name) => name.startsWith(".tmp-"));
}

describe("adding a graph", () => {
  it("writes every .drv of a graph larger than a batch with Nix's bytes, references and NAR hash", () => {
    const nodes = chain(1100);
    const graph = buildDerivationGraph([nodes.at(-1) as Derivation]);
    t.store.addGraph(graph);
    expect(temporaries()).toEqual([]);
    for (const [drvPath, drv] of graph.derivations) {
      expect(readFileSync(drvPath, "utf8")).toBe(printAterm(drv));
      const info = t.store.pathInfo(drvPath);
      expect(info?.references).toEqual([...new Set(drvReferences(drv))].sort());
      expect(info?.narHash).toBe(`sha256:${hashPathSync(drvPath).hash.toBase16()}`);
    }
    for (const source of graph.sources.keys()) expect(t.store.isValid(source)).toBe(true);
  });

  it("leaves nothing of a batch that cannot be registered: no temporary file, no valid path", () => {
    const nodes = chain(3);
    const graph = buildDerivationGraph([nodes.at(-1) as Derivation]);
    // The text source the first derivation names is missing from the graph, so its registration must fail.
    const broken = { ...graph, sources: new Map() };
    expect(() => t.store.addGraph(broken)).toThrow(/is not valid/);
    expect(temporaries()).toEqual([]);
    for (const drvPath of graph.derivations.keys()) {
      expect(t.store.isValid(drvPath)).toBe(false);
      expect(existsSync(drvPath), drvPath).toBe(false);
    }
  });

  it("writes each .drv and text source canonical: read-only (0444), mtime 1", () => {
    const graph = buildDerivationGraph([chain(3).at(-1) as Derivation]);
    t.store.addGraph(graph);
    for (const path of [...graph.derivations.keys(), ...graph.sources.keys()]) {
      const stats = lstatSync(path);
      expect(stats.mode & 0o7777, path).toBe(0o444);
      expect(stats.mtimeMs, path).toBe(1000);
    }
  });

  it("replaces what an interrupted run left at a .drv's path, unregistered (a read-only file, a directory), with the .drv", () => {
    const graph = buildDerivationGraph([chain(2).at(-1) as Derivation]);
    const [first, second] = [...graph.derivations.keys()] as [string, string];
    writeFileSync(first, "Derive([(\"out\",");
    chmodSync(first, 0o444);
    mkdirSync(second);
    writeFileSync(join(second, "x"), "");
    chmodSync(second, 0o555);
    t.store.addGraph(graph);
    for (const [drvPath, drv] of graph.derivations) {
      expect(readFileSync(drvPath, "utf8")).toBe(printAterm(drv));
      expect(t.store.isValid(drvPath)).toBe(true);
    }
  });
});

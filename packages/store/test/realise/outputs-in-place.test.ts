/**
 * A build's dependents start as soon as its outputs are complete in place,
 * while it hashes and registers them; a dependent registers only after its
 * inputs, and a sandboxed one (whose sandbox needs its inputs' closure from
 * the store database) starts only after they are registered.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Derivation } from "@kiln/formats";
import { findBubblewrap, type RealiseEvent } from "../../src/index.js";
import { shellDerivation as sh, temporaryStore, type TemporaryStore } from "./temporary-store.js";

let t: TemporaryStore;
beforeEach(() => {
  t = temporaryStore();
});
afterEach(() => t.dispose());

/** Where the first event of `type` for `drv` is in the realisation's events. */
function at(events: readonly RealiseEvent[], type: RealiseEvent["type"], drv: Derivation): number {
  const index = events.findIndex((event) => event.type === type && "drvPath" in event && event.drvPath === drv.drvPath);
  expect(index).toBeGreaterThanOrEqual(0);
  return index;
}

/** The row order of valid paths: the order they were registered in. */
function registrationOrder(): string[] {
  return t.store.database.validPathsSince(0).map((row) => row.path);
}

describe("outputs in place", () => {
  it("an unsandboxed build starts on its input's outputs before they are registered (with one job), and is registered after them, referring to them", async () => {
    const base = sh("in-place-base", 'echo base > "$out"');
    const mid = sh("in-place-mid", `echo ${base} > "$out"`);
    const top = sh("in-place-top", `cat ${mid} > "$out"; echo ${mid} >> "$out"`);
    const result = await t.realise([top], { jobs: 1 });
    expect(result.failed).toEqual([]);
    expect(at(result.events, "build-started", mid)).toBeLessThan(at(result.events, "build-finished", base));
    expect(at(result.events, "build-started", top)).toBeLessThan(at(result.events, "build-finished", mid));
    const order = registrationOrder();
    expect(order.indexOf(base.outPath)).toBeLessThan(order.indexOf(mid.outPath));
    expect(order.indexOf(mid.outPath)).toBeLessThan(order.indexOf(top.outPath));
    expect(t.store.pathInfo(mid.outPath)?.references).toEqual([base.outPath]);
    expect(t.store.pathInfo(top.outPath)?.references).toEqual([mid.outPath]);
  });

  it("a failing build started on an input in place fails alone under keepGoing, and its input stays registered", async () => {
    const base = sh("in-place-ok", 'echo ok > "$out"');
    const broken = sh("in-place-broken", `cat ${base} > /dev/null; exit 3`);
    const after = sh("in-place-after", `cat ${broken} > "$out"`);
    const result = await t.realise([after], { jobs: 2, keepGoing: true });
    expect(result.built).toEqual([base.drvPath]);
    expect(result.failed.map((failure) => failure.drvPath).sort()).toEqual([broken.drvPath, after.drvPath].sort());
    expect(t.store.isValid(base.outPath)).toBe(true);
    expect(t.store.isValid(broken.outPath)).toBe(false);
  });

  it.skipIf(findBubblewrap() === undefined)("a sandboxed build starts only once its input is registered, and sees the input's closure", async () => {
    const base = sh("in-place-boxed-base", 'echo base > "$out"');
    const mid = sh("in-place-boxed-mid", `echo ${base} > "$out"`);
    const top = sh("in-place-boxed-top", `read path < ${mid}; read text < "$path"; echo "$text" > "$out"`);
    const result = await t.realise([top], { jobs: 1, sandbox: true });
    expect(result.failed).toEqual([]);
    expect(at(result.events, "build-started", mid)).toBeGreaterThan(at(result.events, "build-finished", base));
    expect(at(result.events, "build-started", top)).toBeGreaterThan(at(result.events, "build-finished", mid));
  });
});

// A compact map reads exactly as the Map it was made from: the same
// entries in the same order, by every method of ReadonlyMap.
import { describe, expect, it } from "vitest";
import { CompactMap } from "./compact-map.js";

function readAll(map: ReadonlyMap<string, number>): unknown {
  const each: [string, number][] = [];
  map.forEach((value, key) => each.push([key, value]));
  return { size: map.size, entries: [...map], keys: [...map.keys()], values: [...map.values()], each };
}

describe("CompactMap", () => {
  it.each([0, 1, 3, 16, 17, 200])("with %i entries reads as the Map it was made from, in its order", (count) => {
    // Out of order on purpose: the map keeps the order it was given.
    const source = new Map(Array.from({ length: count }, (_, index): [string, number] => [`key-${(index * 7) % (count || 1)}-${index}`, index]));
    const compact = CompactMap.of(source);
    expect(readAll(compact)).toEqual(readAll(source));
    for (const [key, value] of source) {
      expect(compact.get(key)).toBe(value);
      expect(compact.has(key)).toBe(true);
    }
    expect(compact.get("missing")).toBeUndefined();
    expect(compact.has("missing")).toBe(false);
  });

  it("finds a value that is itself undefined, as Map.has does", () => {
    const compact = CompactMap.of(new Map<string, number | undefined>([["a", undefined]]));
    expect(compact.has("a")).toBe(true);
    expect(compact.get("a")).toBeUndefined();
  });
});

describe("CompactMap.sorted", () => {
  it("holds the entries sorted by UTF-8 bytes, as a .drv file lists them", () => {
    const sorted = CompactMap.sorted(new Map([["system", 1], ["out", 2], ["\u{1F600}", 3], ["\uFFFD", 4], ["builder", 5]]));
    expect([...sorted]).toEqual([["builder", 5], ["out", 2], ["system", 1], ["\uFFFD", 4], ["\u{1F600}", 3]]);
    expect(sorted.get("out")).toBe(2);
  });
});

describe("CompactMap.sortedByName", () => {
  it("is the map itself when its names are in UTF-8 order already", () => {
    const map = CompactMap.ofPairs<number>(["builder", 1, "out", 2, "\uFFFD", 3, "\u{1F600}", 4]);
    expect(map.sortedByName()).toBe(map);
  });

  it.each([2, 5, 16, 17, 40])("sorts %i entries by UTF-8 bytes, each name with its value, leaving the map as it was", (count) => {
    // Surrogate pairs (above U+FFFF) sort after U+FFFD in UTF-8, before it in UTF-16.
    const names = Array.from({ length: count }, (_, index) => (index % 3 === 0 ? `\u{1F600}${count - index}` : index % 3 === 1 ? `\uFFFD${index}` : `name-${(index * 7) % count}-${index}`));
    const map = CompactMap.ofPairs<number>(names.flatMap((name, index) => [name, index]));
    const sorted = map.sortedByName();
    const expected = [...map].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(Array.from({ length: sorted.size }, (_, index) => [sorted.nameAt(index), sorted.valueAt(index)])).toEqual(expected);
    expect(map.names()).toEqual(names);
  });
});

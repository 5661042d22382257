// Sorting by UTF-8 bytes, as Nix's std::map orders names, whatever the list's length.
import { describe, expect, it } from "vitest";
import { compareUtf8, sortUtf8 } from "./compare-utf8.js";

describe("sortUtf8", () => {
  // U+1F600 is stored as surrogates (0xD83D…), below U+FFFD in UTF-16 but above it in UTF-8.
  const names = ["b", "a", "\u{1F600}", "\uFFFD", "ab", "", "B", "a\u{1F600}", "a\uFFFD", "z"];

  it("orders a short list as comparing UTF-8 bytes does, characters above U+FFFF after U+FFFD", () => {
    expect(sortUtf8([...names])).toEqual(["", "B", "a", "ab", "a\uFFFD", "a\u{1F600}", "b", "z", "\uFFFD", "\u{1F600}"]);
  });

  it("orders a long list (sorted by Array.prototype.sort) the same way", () => {
    const long = Array.from({ length: 40 }, (_, index) => `${names[index % names.length] ?? ""}${index % 7}`);
    expect(sortUtf8([...long])).toEqual([...long].sort(compareUtf8));
  });

  it("sorts in place and keeps a sorted list as it is", () => {
    const sorted = ["a", "b", "c"];
    expect(sortUtf8(sorted)).toBe(sorted);
    expect(sorted).toEqual(["a", "b", "c"]);
  });
});

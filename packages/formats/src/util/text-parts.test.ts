// Texts built from pieces: each comes out whole and alone, whatever the number of pieces of the one before.
import { describe, expect, it } from "vitest";
import { takeText, putText } from "./text-parts.js";

function text(pieces: readonly string[]): string {
  for (const piece of pieces) putText(piece);
  return takeText();
}

describe("takeText", () => {
  it("gives exactly the pieces put since the last text, after a longer and a shorter one", () => {
    expect(text(["a", "b", "c", "d", "e"])).toBe("abcde");
    expect(text(["x", "y"])).toBe("xy");
    expect(text(["1", "2", "3", "4", "5", "6"])).toBe("123456");
    expect(text(["p", "q"])).toBe("pq");
    expect(text([])).toBe("");
  });

  it("gives a text of many pieces, and texts after it", () => {
    const many = Array.from({ length: 1000 }, (_, index) => String(index % 10));
    expect(text(many)).toBe(many.join(""));
    expect(text(["\u{1F600}", "é"])).toBe("\u{1F600}é");
  });
});

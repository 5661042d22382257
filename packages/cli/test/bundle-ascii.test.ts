// Kiln's bundle (dist/bundle/kiln.cjs) is ASCII only: V8 keeps a script's
// source while it runs, at one byte per character only when every character
// fits in one byte, so a single `…` in a comment would double it in memory.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const BUNDLE = fileURLToPath(new URL("../dist/bundle/kiln.cjs", import.meta.url));

describe("the bundle of Kiln", () => {
  it("has no character outside ASCII, not even in its comments", () => {
    const text = readFileSync(BUNDLE, "utf8");
    expect(text.length).toBeGreaterThan(100_000);
    const outside = /[^\x00-\x7f]/u.exec(text);
    expect(outside === null ? undefined : text.slice(Math.max(0, outside.index - 40), outside.index + 40)).toBeUndefined();
  });
});

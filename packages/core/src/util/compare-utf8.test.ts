// Sorting as C++ std::string sorts UTF-8: JavaScript's own order (UTF-16
// code units) is used only where the two orders agree.
import { describe, expect, it } from "vitest";
import { compareUtf8, sortUtf8 } from "./compare-utf8.js";

describe("sortUtf8", () => {
  it("puts U+FF21 before an astral character, as UTF-8 bytes order them (UTF-16 order is the reverse)", () => {
    const astral = "\u{1F600}"; // UTF-16 D83D DE00, UTF-8 F0 9F 98 80
    const fullwidth = "\uFF21"; // UTF-16 FF21, UTF-8 EF BC A1
    expect([astral, fullwidth].sort()).toEqual([astral, fullwidth]);
    expect(sortUtf8([astral, fullwidth, "a"])).toEqual(["a", fullwidth, astral]);
  });

  it("orders ASCII keys as compareUtf8 does (upper case, then `_`, then lower case; prefixes first)", () => {
    const keys = ["out", "__json", "Z", "a", "outputs", "", "_", "out2"];
    expect(sortUtf8([...keys])).toEqual([...keys].sort(compareUtf8));
    expect(sortUtf8([...keys])).toEqual(["", "Z", "_", "__json", "a", "out", "out2", "outputs"]);
  });
});

/** The printed generation diff: each kind of change in its own section, sections without changes left out. */
import { describe, expect, test } from "vitest";
import type { GenerationDiff } from "@kiln/core";
import { generationDiffLines } from "./print-generation-diff.js";

const none = { added: [], removed: [], changed: [] } as const;

function diffWith(changes: Partial<GenerationDiff>): GenerationDiff {
  return {
    kind: "machine",
    packages: none,
    closureBytes: { before: 1024, after: 1024 },
    files: none,
    users: none,
    groups: none,
    units: none,
    runtimeLinks: none,
    activationScripts: none,
    ...changes,
  };
}

describe("printing a generation diff", () => {
  test("run-time links get a section naming each link added, removed or pointed at another tree", () => {
    const lines = generationDiffLines(
      diffWith({
        runtimeLinks: {
          added: [{ path: "/run/new", target: "/nix/store/aaa-new" }],
          removed: [{ path: "/run/old", target: "/nix/store/bbb-old" }],
          changed: [{ path: "/run/opengl-driver", from: "/nix/store/ccc-drivers", to: "/nix/store/ddd-drivers" }],
        },
      }),
    );
    expect(lines).toEqual([
      "closure size: 1.0 KiB → 1.0 KiB (+0 B)",
      "run-time links:",
      "  added    /run/new -> /nix/store/aaa-new",
      "  removed  /run/old",
      "  changed  /run/opengl-driver: /nix/store/ccc-drivers → /nix/store/ddd-drivers",
    ]);
  });

  test("a diff without changes says so, and has no run-time links section", () => {
    expect(generationDiffLines(diffWith({}))).toEqual(["no changes", "closure size: 1.0 KiB → 1.0 KiB (+0 B)"]);
  });
});

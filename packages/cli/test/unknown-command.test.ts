/**
 * A misspelt command is refused with the closest command suggested, through
 * the real CLI.
 */
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { runKiln } from "./run-kiln.js";

describe("an unknown command", () => {
  it("suggests the closest command: kiln bulid → build", () => {
    const run = runKiln(["bulid"], tmpdir());
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("error: unknown command 'bulid'. Did you mean 'build'? (run 'kiln help' for the list)\n");
  });
  it("suggests nothing when no command is close", () => {
    const run = runKiln(["frobnicate"], tmpdir());
    expect(run.stderr).toBe("error: unknown command 'frobnicate' (run 'kiln help' for the list)\n");
  });
});

// The `kiln` command keeps V8's young generation at its first size while a
// config is evaluated (a config's result lives to the end, so a larger young
// generation only costs peak memory), also once the evaluation watchdog's
// thread has started, whose isolate's start resets V8's growth factor.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKiln } from "./run-kiln.js";

const root = mkdtempSync(join(tmpdir(), "kiln-young-generation-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the young generation of an evaluation", () => {
  it("stays at a few MiB however much of it survives, under the evaluation watchdog", () => {
    writeFileSync(
      join(root, "kiln.ts"),
      `import { getHeapSpaceStatistics } from "node:v8";
// Everything allocated here survives: left alone, V8 grows its young generation to 32 MiB.
const kept: object[] = [];
for (let index = 0; index < 400_000; index++) kept.push({ index, name: \`n\${index}\` });
const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === "new_space");
export default { kept: kept.length, newSpaceMiB: (newSpace?.space_size ?? 0) / 1048576 };
`,
    );
    // Twice: the second run takes the config's bundle from the cache, so evaluation starts at once, while the watchdog's thread starts.
    for (let run = 0; run < 2; run++) {
      const result = runKiln(["eval", "kiln.ts", "--json"], root, { KILN_EVAL_CACHE: "0" });
      expect(result.stderr).toBe("");
      const value = JSON.parse(result.stdout) as { kept: number; newSpaceMiB: number };
      expect(value.kept).toBe(400_000);
      expect(value.newSpaceMiB).toBeLessThanOrEqual(4);
    }
  });
});

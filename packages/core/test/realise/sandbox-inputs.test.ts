import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { derivation, findBubblewrap, type Derivation } from "../../src/index.js";
import { COPIED_INPUT_LIMIT } from "../../src/realise/sandbox-inputs.js";
import { temporaryStore, type TemporaryStore } from "./temporary-store.js";

const system = "x86_64-linux";
let t: TemporaryStore;
beforeEach(() => {
  t = temporaryStore();
});
afterEach(() => t.dispose());

function sh(name: string, script: string, env: Record<string, string> = {}): Derivation {
  return derivation({ name, system, builder: "/bin/sh", args: ["-c", script], PATH: "/usr/bin:/bin", ...env });
}

describe.skipIf(findBubblewrap() === undefined)("a sandboxed build's inputs", () => {
  it("are all there, copied or mounted, as the store has them: small and large files, executables, symlinks and directories, read-only with mtime 1", async () => {
    const small = sh("small", 'echo small > "$out"');
    const large = sh("large", `head -c ${COPIED_INPUT_LIMIT + 1} /dev/zero > "$out"`);
    const tool = sh("tool", 'printf "#!/bin/sh\\necho ran\\n" > "$out"; chmod +x "$out"');
    const link = sh("link", `ln -s ${small} "$out"`);
    const tree = sh("tree", 'mkdir -p "$out/a"; echo deep > "$out/a/b"');
    const probe = sh(
      "probe",
      "{ " +
      [
        `cat ${small}`,
        `wc -c < ${large}`,
        `${tool}`,
        `readlink ${link}`,
        `cat ${link}`,
        `cat ${tree}/a/b`,
        `stat -c '%a %Y' ${small} ${tool} ${large}`,
        `if echo x > ${small} 2>/dev/null || chmod u+w ${small} 2>/dev/null; then echo small=writable; else echo small=readonly; fi`,
      ].join("; ") + '; } > "$out.tmp"; mv "$out.tmp" "$out"',
      { inputs: `${small} ${large} ${tool} ${link} ${tree}` },
    );
    const result = await t.realise([probe], { sandbox: true });
    expect(result.failed).toEqual([]);
    expect(readFileSync(probe.outPath, "utf8").trim().split("\n")).toEqual([
      "small",
      String(COPIED_INPUT_LIMIT + 1),
      "ran",
      small.outPath,
      "small",
      "deep",
      "444 1",
      "555 1",
      "444 1",
      "small=readonly",
    ]);
    expect(readFileSync(small.outPath, "utf8")).toBe("small\n");
  });
});

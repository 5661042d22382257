/**
 * The program index read from a `Contents` index, and the main program
 * chosen from it, as nixpkgs' `meta.mainProgram` names one.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DebianArchiveError } from "./debian-errors.js";
import { chooseMainProgram, deserialisePrograms, readContentsPrograms, serialisePrograms } from "./program-index.js";

describe("the program index", () => {
  it("takes the files below the program directories of every package a Contents line names, and nothing else", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kiln-contents-"));
    try {
      const file = join(dir, "Contents-amd64.gz");
      const text = [
        "bin/bash                                                shells/bash",
        "usr/bin/htop                                            utils/htop",
        "usr/sbin/nginx                                          httpd/nginx",
        "usr/bin/a program with spaces                           misc/spaced",
        "usr/bin/python3.11                                      python/python3.11-minimal,python/python3.11-dbg",
        "usr/share/doc/htop/copyright                            utils/htop",
        "usr/lib/x86_64-linux-gnu/libfoo.so.1                    libs/libfoo1",
        "usr/bin/subdir/not-a-program                            misc/odd",
        "usr/games/fortune                                       non-free/games/fortune-mod",
      ].join("\n");
      writeFileSync(file, gzipSync(Buffer.from(`${text}\n`)));
      const programs = new Map<string, Set<string>>();
      await readContentsPrograms(file, programs);
      const index = deserialisePrograms(serialisePrograms(programs), file);
      expect(Object.fromEntries(index)).toEqual({
        bash: ["bash"],
        htop: ["htop"],
        nginx: ["nginx"],
        spaced: ["a program with spaces"],
        "python3.11-minimal": ["python3.11"],
        "python3.11-dbg": ["python3.11"],
        "fortune-mod": ["fortune"],
      });
      writeFileSync(file, "not gzip");
      await expect(readContentsPrograms(file, new Map())).rejects.toThrow(DebianArchiveError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("chooses the program named like the package, else like it without a flavour suffix, else contained in its name, else the only one", () => {
    expect(chooseMainProgram("git", ["git", "git-shell", "scalar"])).toBe("git");
    expect(chooseMainProgram("nginx-light", ["nginx"])).toBe("nginx");
    expect(chooseMainProgram("python3.11-minimal", ["python3.11", "pydoc3.11"])).toBe("python3.11");
    expect(chooseMainProgram("openssh-client", ["scp", "sftp", "ssh", "ssh-add"])).toBe("ssh");
    expect(chooseMainProgram("vim", ["vim.basic"])).toBe("vim.basic");
    expect(chooseMainProgram("coreutils", ["cat", "ls", "[", "tr"])).toBeUndefined();
    expect(chooseMainProgram("libc6", [])).toBeUndefined();
  });
});

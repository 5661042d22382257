/**
 * Alternatives read statically from maintainer scripts, as
 * `update-alternatives --install` would register them, and the choice
 * `update-alternatives --auto` makes: the highest priority wins.
 */
import { mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chooseAlternatives, makeAlternativeLinks, parseAlternatives } from "./alternatives.js";

const MAWK = `#!/bin/sh
set -e
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ]; then
        update-alternatives --install /usr/bin/awk awk /usr/bin/mawk 5 \\
            --slave /usr/share/man/man1/awk.1.gz awk.1.gz /usr/share/man/man1/mawk.1.gz \\
            --slave /usr/bin/nawk nawk /usr/bin/mawk
fi
`;

const XZ = `update-alternatives --install /usr/bin/lzma lzma /usr/bin/xz 20 $(
	slave /usr/share/man/man1 lzma.1.gz xz.1.gz
)
for i in vi view; do update-alternatives --install /usr/bin/$i $i /usr/bin/vim.basic 30; done
`;

describe("alternatives from maintainer scripts", () => {
  it("reads each literal update-alternatives --install with its slaves, and skips what the shell would make", () => {
    expect(parseAlternatives(MAWK)).toEqual([
      {
        link: "/usr/bin/awk",
        name: "awk",
        path: "/usr/bin/mawk",
        priority: 5,
        slaves: [
          { link: "/usr/share/man/man1/awk.1.gz", name: "awk.1.gz", path: "/usr/share/man/man1/mawk.1.gz" },
          { link: "/usr/bin/nawk", name: "nawk", path: "/usr/bin/mawk" },
        ],
      },
    ]);
    // The master is literal; the generated slaves and the loop's $i are not.
    expect(parseAlternatives(XZ)).toEqual([{ link: "/usr/bin/lzma", name: "lzma", path: "/usr/bin/xz", priority: 20, slaves: [] }]);
    expect(parseAlternatives("update-alternatives --remove rename /usr/bin/prename\n")).toEqual([]);
    expect(parseAlternatives("update-alternatives --quiet --install '/usr/bin/pager' pager /bin/more 50\n")).toEqual([{ link: "/usr/bin/pager", name: "pager", path: "/bin/more", priority: 50, slaves: [] }]);
  });

  it("links the alternative of highest priority whose program the closure has, through /etc/alternatives, and never over a file a package ships", () => {
    const root = mkdtempSync(join(tmpdir(), "kiln-alternatives-"));
    try {
      mkdirSync(join(root, "usr/bin"), { recursive: true });
      for (const program of ["mawk", "gawk"]) writeFileSync(join(root, "usr/bin", program), "");
      symlinkSync("/store/shipped", join(root, "usr/bin/pager"));
      const offered = [
        ...parseAlternatives(MAWK),
        ...parseAlternatives("update-alternatives --install /usr/bin/awk awk /usr/bin/gawk 10 --slave /usr/bin/nawk nawk /usr/bin/gawk\n"),
        // Higher still, but its program is not in the closure.
        ...parseAlternatives("update-alternatives --install /usr/bin/awk awk /usr/bin/original-awk 99\n"),
        ...parseAlternatives("update-alternatives --install /usr/bin/pager pager /usr/bin/mawk 1\n"),
      ];
      const chosen = chooseAlternatives(offered, (path) => ["/usr/bin/mawk", "/usr/bin/gawk"].includes(path));
      expect(chosen.map((alternative) => `${alternative.name} ${alternative.path}`)).toEqual(["awk /usr/bin/gawk", "pager /usr/bin/mawk"]);
      const made = makeAlternativeLinks(root, chosen);
      expect(made.map((link) => link.link)).toEqual(["/usr/bin/awk", "/usr/bin/nawk"]);
      expect(readlinkSync(join(root, "usr/bin/awk"))).toBe("/etc/alternatives/awk");
      expect(readlinkSync(join(root, "etc/alternatives/awk"))).toBe("/usr/bin/gawk");
      expect(readlinkSync(join(root, "etc/alternatives/nawk"))).toBe("/usr/bin/gawk");
      expect(readlinkSync(join(root, "usr/bin/pager"))).toBe("/store/shipped");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

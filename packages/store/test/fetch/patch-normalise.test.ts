/** fetchpatch's normalisation: what forges vary is dropped, what `patch` reads is kept exactly. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FetcherArgumentError } from "@kiln/formats";
import { normalisePatch } from "../../src/fetch/patch-normalise.js";

/** A commit as GitHub's `.patch` serves it: mail headers, message, git headers, hunks, signature. */
const GITHUB_PATCH = `From 3f1e2d Mon Sep 17 00:00:00 2001
From: A Developer <dev@example.org>
Date: Tue, 3 Nov 2026 10:00:00 +0100
Subject: [PATCH] Fix the greeting

The greeting was wrong.
--- this line is part of the message, not a header
---
 src/main.c | 2 +-
 README     | 1 +
 2 files changed, 2 insertions(+), 1 deletion(-)

diff --git a/src/main.c b/src/main.c
index 1111111..2222222 100644
--- a/src/main.c
+++ b/src/main.c
@@ -1,3 +1,3 @@ int main(void)
 #include <stdio.h>
-int main(void) { puts("helo"); }
+int main(void) { puts("hello"); }
 /* end */
diff --git a/README b/README
index 3333333..4444444 100644
--- a/README
+++ b/README
@@ -1 +1,2 @@
 Greeter
+Prints hello.
-- 
2.43.0
`;

/** The same change as another forge formats it: other headers, other index lines, files in another order. */
const OTHER_FORGE_PATCH = `diff --git a/README b/README
index abcdef0..1234567 100644
--- a/README
+++ b/README
@@ -1 +1,2 @@
 Greeter
+Prints hello.
diff --git a/src/main.c b/src/main.c
index 9999999..8888888 100644
--- a/src/main.c\t2026-11-03 10:00:00.000000000 +0100
+++ b/src/main.c\t2026-11-03 10:00:00.000000000 +0100
@@ -1,3 +1,3 @@ int main(void)
 #include <stdio.h>
-int main(void) { puts("helo"); }
+int main(void) { puts("hello"); }
 /* end */
-- 
2.47.1
`;

describe("normalisePatch", () => {
  it("keeps only file headers and hunks, files sorted by name", () => {
    expect(normalisePatch(GITHUB_PATCH)).toBe(`--- a/README
+++ b/README
@@ -1 +1,2 @@
 Greeter
+Prints hello.
--- a/src/main.c
+++ b/src/main.c
@@ -1,3 +1,3 @@ int main(void)
 #include <stdio.h>
-int main(void) { puts("helo"); }
+int main(void) { puts("hello"); }
 /* end */
`);
  });

  it("gives the same text for the same change formatted by two forges", () => {
    expect(normalisePatch(OTHER_FORGE_PATCH)).toBe(normalisePatch(GITHUB_PATCH));
  });

  it("applies stripLen, extraPrefix, includes, excludes and revert", () => {
    expect(normalisePatch(GITHUB_PATCH, { excludes: ["README"] })).not.toContain("README");
    expect(normalisePatch(GITHUB_PATCH, { includes: ["src/*.c"] })).not.toContain("README");
    expect(normalisePatch(GITHUB_PATCH, { includes: ["**/*.c"] })).toContain("+++ b/src/main.c");
    expect(normalisePatch(GITHUB_PATCH, { stripLen: 1 })).toContain("--- src/main.c\n+++ src/main.c\n");
    expect(normalisePatch(GITHUB_PATCH, { stripLen: 1, extraPrefix: "vendor/lib/" })).toContain("--- a/vendor/lib/main.c\n+++ b/vendor/lib/main.c\n");
    expect(normalisePatch(GITHUB_PATCH, { revert: true, includes: ["README"] })).toBe(`--- b/README
+++ a/README
@@ -1,2 +1 @@
 Greeter
-Prints hello.
`);
  });

  it("refuses text that holds no change, and hunks shorter than their header", () => {
    expect(() => normalisePatch("<html>rate limited</html>\n")).toThrow(/holds no file changes/);
    expect(() => normalisePatch(GITHUB_PATCH, { excludes: ["*", "**"] })).toThrow(FetcherArgumentError);
    expect(() => normalisePatch("--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n")).toThrow(/ends inside a hunk/);
  });

  it.skipIf(spawnSync("patch", ["--version"]).status !== 0)("produces a patch that GNU patch applies, and reverts", () => {
    const directory = mkdtempSync(join(tmpdir(), "kiln-patch-"));
    try {
      mkdirSync(join(directory, "src"));
      writeFileSync(join(directory, "src", "main.c"), '#include <stdio.h>\nint main(void) { puts("helo"); }\n/* end */\n');
      writeFileSync(join(directory, "README"), "Greeter\n");
      const forward = spawnSync("patch", ["-p1"], { cwd: directory, input: normalisePatch(GITHUB_PATCH), encoding: "utf8" });
      expect(forward.status, forward.stderr + forward.stdout).toBe(0);
      expect(readFileSync(join(directory, "README"), "utf8")).toBe("Greeter\nPrints hello.\n");
      const backward = spawnSync("patch", ["-p1"], { cwd: directory, input: normalisePatch(GITHUB_PATCH, { revert: true }), encoding: "utf8" });
      expect(backward.status, backward.stderr + backward.stdout).toBe(0);
      expect(readFileSync(join(directory, "src", "main.c"), "utf8")).toContain('puts("helo")');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

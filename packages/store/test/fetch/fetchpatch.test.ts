/** fetchpatch realised from a loopback server: the stored patch is the normalised one, pinned by its hash. */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { fetchpatch, hashString } from "@kiln/formats";
import { fetchSettingsFromEnvironment, normalisePatch } from "../../src/index.js";
import { temporaryStore } from "../realise/temporary-store.js";
import { serve, startLoopbackServer, type LoopbackServer } from "./loopback-server.js";

const PATCH = `From 1234 Mon Sep 17 00:00:00 2001
Subject: [PATCH] Update two files

diff --git a/src/a.c b/src/a.c
index 1111111..2222222 100644
--- a/src/a.c
+++ b/src/a.c
@@ -1 +1 @@
-old a
+new a
diff --git a/ChangeLog b/ChangeLog
index 3333333..4444444 100644
--- a/ChangeLog
+++ b/ChangeLog
@@ -1 +1,2 @@
+2026-11-24  a change
 2026-01-01  the start
-- 
2.44.0
`;

let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer();
  server.route("/commit/1234.patch", serve(PATCH));
  server.route("/commit/1234-reformatted.patch", serve(PATCH.replace("2.44.0", "2.47.1").replaceAll("index 1111111..2222222", "index abcdef0..1234567")));
});
afterAll(async () => server.close());

it("stores the normalised patch, and a reformatted copy of the same commit has the same hash", async () => {
  const store = temporaryStore();
  try {
    const expected = normalisePatch(PATCH, { excludes: ["ChangeLog"] });
    expect(expected).toBe("--- a/src/a.c\n+++ b/src/a.c\n@@ -1 +1 @@\n-old a\n+new a\n");
    const hash = hashString("sha256", expected).toSri();
    const settings = fetchSettingsFromEnvironment({}, { attempts: 1 });
    const patch = fetchpatch({ url: `${server.url}/commit/1234.patch`, hash, excludes: ["ChangeLog"] });
    const again = fetchpatch({ url: `${server.url}/commit/1234-reformatted.patch`, hash, excludes: ["ChangeLog"], name: "1234.patch" });
    const result = await store.realise([patch, again], { fetchSettings: settings });
    expect(result.failed).toEqual([]);
    expect(readFileSync(patch.outputs.out.path, "utf8")).toBe(expected);
    expect(again.outputs.out.path).toBe(patch.outputs.out.path);
  } finally {
    store.dispose();
  }
});

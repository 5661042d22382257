/**
 * Pinning honestly, with local servers standing in for mirrors: a locked
 * `.deb` that its mirror no longer serves is fetched from a hashed mirror or
 * from an archive mirror listed after it; when none has it, the error names
 * the file that is gone and says that `kiln update` moves the lock forward,
 * and a mirror that cannot be reached is not mistaken for one that lost it.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchSettingsFromEnvironment, type FetchSettings } from "@kiln/core";
import { debFetch, type IndexPackage } from "../src/index.js";
import { testStore, type TestStore } from "./archive.js";
import { serve, type LocalServer } from "./http-server.js";

const DEB = Buffer.from("!<arch>\ndebian-binary   0           0     0     100644  4         `\n2.0\n");
const SHA256 = createHash("sha256").update(DEB).digest("hex");
const FILENAME = "pool/main/o/old/old_1.0-1_amd64.deb";

/** The index entry a lock taken before the point release would give. */
function lockedEntry(): IndexPackage {
  return { name: "old", version: "1.0-1", architecture: "amd64", filename: FILENAME, size: DEB.length, sha256: SHA256, depends: "", preDepends: "", provides: "", essential: false, priority: "optional", description: "a superseded package" };
}

function settings(hashedMirrors: readonly string[] = []): FetchSettings {
  return { ...fetchSettingsFromEnvironment({ KILN_FETCH_ATTEMPTS: "1", KILN_CONNECT_TIMEOUT: "5" }), hashedMirrors };
}

describe("a locked .deb its mirror no longer serves", () => {
  let store: TestStore;
  let moved: LocalServer;
  let archive: LocalServer;
  let hashed: LocalServer;

  beforeAll(async () => {
    store = testStore();
    moved = await serve(new Map());
    archive = await serve(new Map([[FILENAME, DEB]]));
    hashed = await serve(new Map([[`sha256/${SHA256}`, DEB]]));
  });
  afterAll(async () => {
    await Promise.all([moved.close(), archive.close(), hashed.close()]);
    store.dispose();
  });

  it("is fetched from an archive mirror listed after the usual one", async () => {
    const fetch = debFetch(lockedEntry(), [moved.url, archive.url]);
    const { failed } = await store.realise([fetch], settings());
    expect(failed).toEqual([]);
    expect(readFileSync(fetch.outPath).equals(DEB)).toBe(true);
  });

  it("is fetched from a hashed mirror before any mirror is asked", async () => {
    // Another file name, so that its store path is not the one the test above made valid.
    const fetch = debFetch({ ...lockedEntry(), filename: "pool/main/o/old/renamed_1.0-1_amd64.deb" }, [moved.url]);
    const { failed } = await store.realise([fetch], settings([hashed.url]));
    expect(failed).toEqual([]);
    expect(readFileSync(fetch.outPath).equals(DEB)).toBe(true);
  });

  it("when no mirror has it, names the file that is gone and says 'kiln update' moves the lock forward", async () => {
    const fetch = debFetch({ ...lockedEntry(), filename: "pool/main/o/old/gone_1.0-1_amd64.deb" }, [moved.url, archive.url]);
    const { failed } = await store.realise([fetch], settings([moved.url]));
    expect(failed).toHaveLength(1);
    const message = failed[0]?.message ?? "";
    expect(message).toContain("no mirror serves the locked file 'pool/main/o/old/gone_1.0-1_amd64.deb' any more");
    expect(message).toContain("'kiln update' moves the lock forward");
    expect(message).toContain("KILN_DEBIAN_MIRRORS");
    expect(store.store.isValid(fetch.outPath)).toBe(false);
  });

  it("when a mirror cannot be reached, says it could not fetch the file rather than that the file is gone", async () => {
    const fetch = debFetch({ ...lockedEntry(), filename: "pool/main/o/old/unreachable_1.0-1_amd64.deb" }, [moved.url, "http://127.0.0.1:9/debian/"]);
    const { failed } = await store.realise([fetch], settings());
    expect(failed).toHaveLength(1);
    expect(failed[0]?.message).toContain("cannot fetch the locked file 'pool/main/o/old/unreachable_1.0-1_amd64.deb' from any mirror");
    expect(failed[0]?.message).not.toContain("any more");
  });
});

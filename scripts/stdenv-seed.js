#!/usr/bin/env node
/**
 * Writes packages/pkgs/src/stdenv/debian-seed.json: the closures of the
 * hermetic stdenv's Debian packages, resolved from the input locked in
 * packages/pkgs/kiln.lock (after moving that lock forward, run this). Needs the built packages (`pnpm run build`)
 * and the lock's index (from the store, a hashed mirror in
 * KILN_HASHED_MIRRORS, or a mirror).
 *
 *   node scripts/stdenv-seed.js
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { debian, stableJson } from "../packages/debian/dist/index.js";
import { SEED_LOCK_FILE, resolveSeed } from "../packages/pkgs/dist/index.js";

const deb = await debian({ suite: "bookworm", lockFile: SEED_LOCK_FILE });
const target = fileURLToPath(new URL("../packages/pkgs/src/stdenv/debian-seed.json", import.meta.url));
writeFileSync(target, stableJson(resolveSeed(deb)));
console.log(`wrote ${target}`);

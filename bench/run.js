#!/usr/bin/env node
// `pnpm bench NAME`: runs bench/NAME.js. Each benchmark runs Kiln and its peer
// (usually real Nix) side by side in one run and prints both and their ratio.
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((file) => file.endsWith(".js") && file !== "run.js" && file !== "common.js")
  .map((file) => file.slice(0, -3));
const names = process.argv.slice(2);
if (names.length === 0 || names.some((name) => !available.includes(name))) {
  console.error(`usage: pnpm bench NAME…  (available: ${available.join(", ")})`);
  process.exit(2);
}
for (const name of names) {
  const file = join(here, `${name}.js`);
  if (!existsSync(file)) continue;
  console.log(`== ${name} ==`);
  await import(pathToFileURL(file).href);
}

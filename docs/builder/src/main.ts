/**
 * `pnpm run docs`: builds the documentation site into `docs/site` (or the
 * directory given), failing with typedoc's findings if an export lacks
 * documentation or a link is broken.
 */
import { buildSite } from "./build-site.js";

const started = performance.now();
try {
  const site = await buildSite(process.argv[2] === undefined ? {} : { outDir: process.argv[2] });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`docs: ${site.pages.length} pages, the API reference and ${site.searchEntries} search entries in ${site.outDir} (${seconds} s)\n`);
} catch (error) {
  process.stderr.write(`docs: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

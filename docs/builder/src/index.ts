/**
 * Kiln's documentation builder: the site `pnpm run docs` makes, and the
 * extraction of the guides' samples the tests check.
 *
 * @packageDocumentation
 */
export { buildSite, type BuildSiteOptions, type BuiltSite } from "./build-site.js";
export { extractCodeBlocks, guideLineOf, CodeBlockDirectiveError, type CodeBlock, type CodeBlockMode, type CodeBlockSegment } from "./code-blocks.js";
export { findBrokenLinks, BrokenLinksError, type BrokenLink } from "./link-checker.js";
export type { SearchEntry } from "./search-entry.js";

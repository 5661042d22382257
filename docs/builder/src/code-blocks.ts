/**
 * The TypeScript samples of the guides, as the tests check them: every
 * fenced `ts` block is a module that must type-check and run. An HTML
 * comment just above a block (invisible on the page) can say how:
 *
 * - `<!-- test: continues -->`: the block goes on from the page's previous
 *   `ts` block, as one module (a sample told in steps);
 * - `<!-- test: typecheck-only: REASON -->`: type-checked, not run (it builds
 *   real software, say); the reason is required;
 * - `<!-- test: type-error: TS2322 -->`: the sample shows a mistake, so it
 *   must fail to type-check with that error;
 * - `<!-- test: dir: examples/mixing-sets -->`: the block is checked inside
 *   that directory, so that its imports resolve as there.
 *
 * Several go in one comment, separated by `;`.
 */

/** How a sample is checked. */
export type CodeBlockMode = "run" | "typecheck-only" | "type-error";

/** A piece of a sample: where its lines come from. */
export interface CodeBlockSegment {
  /** The line of the guide holding the segment's first line (1-based). */
  readonly guideLine: number;
  /** The segment's first line in the sample (1-based). */
  readonly sampleLine: number;
}

/** One sample: a `ts` block, with the blocks that continue it. */
export interface CodeBlock {
  /** The guide, as given to {@link extractCodeBlocks}. */
  readonly guide: string;
  /** The sample's number in its guide, from 1. */
  readonly index: number;
  /** The source, every segment joined. */
  readonly code: string;
  readonly mode: CodeBlockMode;
  /** Why a sample is only type-checked. */
  readonly reason?: string;
  /** The error a `type-error` sample must fail with (`TS2322`). */
  readonly expectedError?: string;
  /** The directory (relative to the repository) to check the sample in; the docs builder's by default. */
  readonly dir?: string;
  readonly segments: readonly CodeBlockSegment[];
}

/** A malformed `<!-- test: … -->` directive. */
export class CodeBlockDirectiveError extends Error {
  override readonly name = "CodeBlockDirectiveError";
}

const TS_LANGUAGES = new Set(["ts", "typescript"]);
const DIRECTIVE = /^<!--\s*test:(.*)-->\s*$/;

interface Directives {
  continues: boolean;
  mode: CodeBlockMode;
  reason?: string;
  expectedError?: string;
  dir?: string;
}

function parseDirectives(text: string, where: string): Directives {
  const result: Directives = { continues: false, mode: "run" };
  for (const part of text.split(";").map((item) => item.trim()).filter((item) => item !== "")) {
    const colon = part.indexOf(":");
    const key = (colon < 0 ? part : part.slice(0, colon)).trim();
    const argument = colon < 0 ? "" : part.slice(colon + 1).trim();
    if (key === "continues") result.continues = true;
    else if (key === "typecheck-only") {
      if (argument === "") throw new CodeBlockDirectiveError(`${where}: 'typecheck-only' needs a reason, e.g. '<!-- test: typecheck-only: builds GNU hello -->'`);
      result.mode = "typecheck-only";
      result.reason = argument;
    } else if (key === "type-error") {
      if (!/^TS\d+$/.test(argument)) throw new CodeBlockDirectiveError(`${where}: 'type-error' needs the error's code, e.g. 'type-error: TS2322'`);
      result.mode = "type-error";
      result.expectedError = argument;
    } else if (key === "dir") {
      if (argument === "" || argument.startsWith("/") || argument.split("/").includes("..")) throw new CodeBlockDirectiveError(`${where}: 'dir' needs a directory inside the repository, e.g. 'dir: examples/mixing-sets'`);
      result.dir = argument;
    } else throw new CodeBlockDirectiveError(`${where}: unknown directive '${key}' (known: continues, typecheck-only, type-error, dir)`);
  }
  return result;
}

/** The TypeScript samples of one guide (its Markdown source), with their directives. */
export function extractCodeBlocks(markdown: string, guide: string): CodeBlock[] {
  const lines = markdown.split("\n");
  const blocks: CodeBlock[] = [];
  let pending: Directives | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    const directive = DIRECTIVE.exec(line.trim());
    if (directive !== null) {
      pending = parseDirectives(directive[1] as string, `${guide}:${index + 1}`);
      continue;
    }
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (fence === null) {
      if (line.trim() !== "") pending = undefined;
      continue;
    }
    const [, indent, marker, language] = fence as unknown as [string, string, string, string];
    const body: string[] = [];
    const start = index + 1;
    for (index++; index < lines.length; index++) {
      const inner = lines[index] as string;
      if (inner.trim().startsWith(marker) && inner.trim().replace(/[`~]/g, "") === "") break;
      body.push(inner.startsWith(indent) ? inner.slice(indent.length) : inner);
    }
    const directives = pending ?? { continues: false, mode: "run" as const };
    pending = undefined;
    if (!TS_LANGUAGES.has(language.toLowerCase())) continue;
    const code = body.join("\n");
    const previous = blocks.at(-1);
    if (directives.continues) {
      if (previous === undefined) throw new CodeBlockDirectiveError(`${guide}:${start}: 'continues', but no TypeScript block comes before it`);
      const sampleLine = previous.code.split("\n").length + 1;
      blocks[blocks.length - 1] = {
        ...previous,
        code: `${previous.code}\n${code}`,
        segments: [...previous.segments, { guideLine: start + 1, sampleLine }],
        ...(directives.mode === "run" ? {} : { mode: directives.mode, reason: directives.reason, expectedError: directives.expectedError }),
      };
      continue;
    }
    blocks.push({
      guide,
      index: blocks.length + 1,
      code,
      mode: directives.mode,
      ...(directives.reason === undefined ? {} : { reason: directives.reason }),
      ...(directives.expectedError === undefined ? {} : { expectedError: directives.expectedError }),
      ...(directives.dir === undefined ? {} : { dir: directives.dir }),
      segments: [{ guideLine: start + 1, sampleLine: 1 }],
    });
  }
  return blocks;
}

/** The guide line holding line `sampleLine` (1-based) of a sample. */
export function guideLineOf(block: CodeBlock, sampleLine: number): number {
  let found = block.segments[0] as CodeBlockSegment;
  for (const segment of block.segments) if (segment.sampleLine <= sampleLine) found = segment;
  return found.guideLine + (sampleLine - found.sampleLine);
}

import { describe, expect, it } from "vitest";
import { CodeBlockDirectiveError, extractCodeBlocks, guideLineOf } from "../src/code-blocks.js";

const guide = [
  "# Guide", //1
  "", //2
  "```ts", //3
  "const a = 1;", //4
  "```", //5
  "", //6
  "<!-- test: continues -->", //7
  "```ts", //8
  "const b = a + 1;", //9
  "console.log(b);", //10
  "```", //11
  "", //12
  "```sh", //13
  "kiln build", //14
  "```", //15
  "<!-- test: typecheck-only: builds GNU hello; dir: examples/hello -->", //16
  "```typescript", //17
  "export {};", //18
  "```", //19
  "<!-- test: type-error: TS2353 -->", //20
  "```ts", //21
  "const c: { a: number } = { b: 1 };", //22
  "```", //23
].join("\n");

describe("extractCodeBlocks", () => {
  const blocks = extractCodeBlocks(guide, "docs/guide.md");

  it("finds the TypeScript blocks only, joining a continued one to the one before", () => {
    expect(blocks.map((block) => block.index)).toEqual([1, 2, 3]);
    expect(blocks[0]?.code).toBe("const a = 1;\nconst b = a + 1;\nconsole.log(b);");
    expect(blocks[0]?.mode).toBe("run");
  });

  it("reads the directives", () => {
    expect(blocks[1]).toMatchObject({ mode: "typecheck-only", reason: "builds GNU hello", dir: "examples/hello", code: "export {};" });
    expect(blocks[2]).toMatchObject({ mode: "type-error", expectedError: "TS2353" });
  });

  it("maps a sample's lines back to the guide's, across continued blocks", () => {
    const [first] = blocks;
    expect(guideLineOf(first!, 1)).toBe(4);
    expect(guideLineOf(first!, 2)).toBe(9);
    expect(guideLineOf(first!, 3)).toBe(10);
    expect(guideLineOf(blocks[2]!, 1)).toBe(22);
  });

  it("a directive applies only to the block right after it", () => {
    const [block] = extractCodeBlocks("<!-- test: typecheck-only: slow -->\n\nSome text.\n\n```ts\nexport {};\n```\n", "g.md");
    expect(block?.mode).toBe("run");
  });

  it("rejects malformed directives, naming the guide's line", () => {
    expect(() => extractCodeBlocks("<!-- test: typecheck-only -->\n```ts\n```\n", "g.md")).toThrow(/g\.md:1: 'typecheck-only' needs a reason/);
    expect(() => extractCodeBlocks("<!-- test: type-error: oops -->\n```ts\n```\n", "g.md")).toThrow(CodeBlockDirectiveError);
    expect(() => extractCodeBlocks("<!-- test: dir: ../elsewhere -->\n```ts\n```\n", "g.md")).toThrow(/inside the repository/);
    expect(() => extractCodeBlocks("<!-- test: frobnicate -->\n```ts\n```\n", "g.md")).toThrow(/unknown directive 'frobnicate'/);
    expect(() => extractCodeBlocks("<!-- test: continues -->\n```ts\n```\n", "g.md")).toThrow(/g\.md:2: 'continues', but no TypeScript block/);
  });
});

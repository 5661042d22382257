/**
 * Renders option documentation as Markdown, one section per option, in the
 * layout of the NixOS manual's option appendix.
 */
import { optionsToJson } from "./options-to-json.js";

function codeBlock(text: string): string {
  return text.includes("\n") ? `\n\n\`\`\`\n${text}\n\`\`\`` : ` \`${text}\``;
}

/** Markdown documentation of every visible option of an `options` tree. */
export function optionsToMarkdown(options: unknown): string {
  const sections: string[] = [];
  for (const [name, option] of Object.entries(optionsToJson(options))) {
    const lines = [`## \`${name}\``, ""];
    if (option.description !== "") lines.push(option.description, "");
    lines.push(`*Type:* ${option.type}${option.readOnly ? " *(read only)*" : ""}`, "");
    if (option.default !== undefined) lines.push(`*Default:*${codeBlock(option.default)}`, "");
    if (option.example !== undefined) lines.push(`*Example:*${codeBlock(option.example)}`, "");
    if (option.declarations.length > 0) lines.push(`*Declared by:* ${option.declarations.map((file) => `\`${file}\``).join(", ")}`, "");
    sections.push(lines.join("\n"));
  }
  return sections.join("\n");
}

/**
 * Normalising a patch as nixpkgs' `fetchpatch` does (there with patchutils'
 * `lsdiff` and `filterdiff --clean`), so that its hash stays the same when a
 * forge changes how it formats the same change.
 *
 * What is normalised:
 * - Everything that is not a file header (`--- ` / `+++ `) or a hunk is
 *   dropped: mail headers, the commit message, `diff --git`, `index`,
 *   `new file mode`, `similarity` lines, and the `-- ` signature with the git
 *   version. (So are changes without hunks: binary files, pure renames and
 *   mode changes.)
 * - Timestamps after a tab in file headers are dropped.
 * - Files are put in order of their names; hunks keep their order.
 * - `stripLen` removes leading path components; `extraPrefix` is then added
 *   after the `a/` and `b/` prefixes.
 * - `includes` and `excludes` (globs, matched against the path without its
 *   first component, as `filterdiff -p1`) keep or drop whole files.
 * - `revert` swaps the two sides.
 * Hunk contents, including `\ No newline at end of file`, are kept exactly.
 */
import { FetcherArgumentError } from "@kiln/formats";

/** Options of {@link normalisePatch}. */
export interface PatchNormaliseOptions {
  readonly stripLen?: number;
  readonly extraPrefix?: string;
  readonly includes?: readonly string[];
  readonly excludes?: readonly string[];
  readonly revert?: boolean;
}

/** One file's part of a patch. */
interface FilePatch {
  oldName: string;
  newName: string;
  hunks: string[][];
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;

function headerName(line: string): string {
  const name = line.slice(4);
  const tab = name.indexOf("\t");
  return (tab >= 0 ? name.slice(0, tab) : name).replace(/\r$/, "");
}

/** Splits a patch into files and hunks, skipping everything else. */
function parsePatch(text: string): FilePatch[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const files: FilePatch[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index] as string;
    const next = lines[index + 1];
    if (!(line.startsWith("--- ") && next !== undefined && next.startsWith("+++ "))) {
      index++;
      continue;
    }
    const file: FilePatch = { oldName: headerName(line), newName: headerName(next), hunks: [] };
    index += 2;
    for (;;) {
      const header = lines[index];
      const match = header === undefined ? null : HUNK_HEADER.exec(header.replace(/\r$/, ""));
      if (match === null) break;
      let oldLeft = match[2] === undefined ? 1 : Number(match[2]);
      let newLeft = match[4] === undefined ? 1 : Number(match[4]);
      const hunk = [header as string];
      index++;
      // The counts in the header say where the hunk ends; a commit message line starting with '-' after it is not part of it.
      while (oldLeft > 0 || newLeft > 0 || lines[index]?.startsWith("\\") === true) {
        const body = lines[index];
        if (body === undefined) throw new FetcherArgumentError(`fetchpatch: the patch ends inside a hunk of '${file.newName}'`);
        const kind = body[0] ?? " ";
        if (kind === " " || body === "" || body === "\r") {
          oldLeft--;
          newLeft--;
        } else if (kind === "-") oldLeft--;
        else if (kind === "+") newLeft--;
        else if (kind !== "\\") throw new FetcherArgumentError(`fetchpatch: malformed hunk in '${file.newName}': unexpected line ${JSON.stringify(body)}`);
        if (oldLeft < 0 || newLeft < 0) throw new FetcherArgumentError(`fetchpatch: a hunk of '${file.newName}' is longer than its header says`);
        hunk.push(body === "" ? " " : body);
        index++;
      }
      file.hunks.push(hunk);
    }
    if (file.hunks.length > 0) files.push(file);
  }
  return files;
}

function stripComponents(name: string, count: number): string {
  if (name === "/dev/null" || count === 0) return name;
  const parts = name.split("/");
  return parts.slice(Math.min(count, parts.length - 1)).join("/");
}

function withExtraPrefix(name: string, side: "a" | "b", extraPrefix: string | undefined): string {
  if (extraPrefix === undefined || name === "/dev/null") return name;
  const prefix = extraPrefix.endsWith("/") || extraPrefix === "" ? extraPrefix : `${extraPrefix}/`;
  return `${side}/${prefix}${stripComponents(name, 1)}`;
}

/** A glob (`*`, `?`, `**`) as a regular expression over a whole path. */
function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === "*") {
      if (glob[i + 1] === "*") {
        source += ".*";
        i++;
      } else source += "[^/]*";
    } else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

function revertHunk(hunk: readonly string[]): string[] {
  const match = HUNK_HEADER.exec((hunk[0] as string).replace(/\r$/, "")) as RegExpExecArray;
  const range = (start: string | undefined, count: string | undefined): string => (count === undefined ? `${start}` : `${start},${count}`);
  const header = `@@ -${range(match[3], match[4])} +${range(match[1], match[2])} @@${match[5] ?? ""}`;
  const body = hunk.slice(1).map((line) => (line.startsWith("-") ? `+${line.slice(1)}` : line.startsWith("+") ? `-${line.slice(1)}` : line));
  // A reverted hunk lists the new side's removals before its additions, as diff would.
  const reordered: string[] = [];
  let removed: string[] = [];
  let added: string[] = [];
  const flush = (): void => {
    reordered.push(...removed, ...added);
    removed = [];
    added = [];
  };
  for (const line of body) {
    if (line.startsWith("-")) removed.push(line);
    else if (line.startsWith("+")) added.push(line);
    else if (line.startsWith("\\")) (added.length > 0 ? added : removed.length > 0 ? removed : reordered).push(line);
    else {
      flush();
      reordered.push(line);
    }
  }
  flush();
  return [header, ...reordered];
}

/** Normalises `text` (see the file comment). Fails if no file change is left. */
export function normalisePatch(text: string, options: PatchNormaliseOptions = {}): string {
  const stripLen = options.stripLen ?? 0;
  if (!Number.isInteger(stripLen) || stripLen < 0) throw new FetcherArgumentError(`fetchpatch: stripLen must be a non-negative integer, not ${stripLen}`);
  const includes = (options.includes ?? []).map(globToRegExp);
  const excludes = (options.excludes ?? []).map(globToRegExp);
  let files = parsePatch(text).map((file) => ({
    ...file,
    oldName: withExtraPrefix(stripComponents(file.oldName, stripLen), "a", options.extraPrefix),
    newName: withExtraPrefix(stripComponents(file.newName, stripLen), "b", options.extraPrefix),
  }));
  const pathOf = (file: FilePatch): string => stripComponents(file.newName === "/dev/null" ? file.oldName : file.newName, 1);
  if (includes.length > 0) files = files.filter((file) => includes.some((pattern) => pattern.test(pathOf(file))));
  if (excludes.length > 0) files = files.filter((file) => !excludes.some((pattern) => pattern.test(pathOf(file))));
  if (files.length === 0) throw new FetcherArgumentError("fetchpatch: the fetched file holds no file changes (after includes/excludes); is it a patch?");
  files.sort((left, right) => (pathOf(left) < pathOf(right) ? -1 : pathOf(left) > pathOf(right) ? 1 : 0));
  const out: string[] = [];
  for (const file of files) {
    const [oldName, newName] = options.revert === true ? [file.newName, file.oldName] : [file.oldName, file.newName];
    out.push(`--- ${oldName}`, `+++ ${newName}`);
    for (const hunk of file.hunks) out.push(...(options.revert === true ? revertHunk(hunk) : hunk));
  }
  return `${out.join("\n")}\n`;
}

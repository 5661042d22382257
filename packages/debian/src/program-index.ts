/**
 * Which programs each package has, from the suite's `Contents-ARCH` index
 * (every file of every package, hash-pinned by the signed `Release` like the
 * `Packages` index). Knowing them at evaluation, before any `.deb` is
 * fetched, gives each package its `meta.mainProgram` as nixpkgs packages have
 * one, so `kiln run` on `nginx-light` runs `nginx`.
 *
 * The index is large (150 MB of text for bookworm `main`), so it is read
 * once, streaming, into a compact store path of programs by package (the
 * lines below the program directories only), as the `Packages` index is.
 */
import { createReadStream, existsSync, readFileSync, writeFileSync } from "node:fs";
import { createGunzip } from "node:zlib";
import { derivation, type Derivation } from "@kiln/formats";
import type { BuiltinBuildContext } from "@kiln/store";
import { DebianArchiveError } from "./debian-errors.js";
import { currentRealiser } from "./index-loader.js";
import type { LockedDebianInput } from "./lock-file.js";
import { archiveFetch, storeName } from "./package-derivations.js";

/** The version of the compact form. */
export const PROGRAM_INDEX_FORMAT = "kiln-debian-programs/1";

/** Directories (below the root, as `Contents` writes paths) whose files are programs; the FHS wrappers use the same. */
export const PROGRAM_DIRS = ["usr/bin", "bin", "usr/sbin", "sbin", "usr/games"] as const;

const PREFIXES = PROGRAM_DIRS.map((dir) => `${dir}/`);

/** Programs by package name, each list sorted. */
export type ProgramIndex = ReadonlyMap<string, readonly string[]>;

/** Adds one `Contents` line (`usr/bin/htop   utils/htop`) to `programs` if it names a program. */
function addLine(line: string, programs: Map<string, Set<string>>): void {
  const prefix = PREFIXES.find((candidate) => line.startsWith(candidate));
  if (prefix === undefined) return;
  // The last field is the packages (`section/name`, comma-separated); paths may hold spaces.
  const gap = line.search(/\s+\S+$/);
  if (gap < 0) return;
  const program = line.slice(prefix.length, gap).trimEnd();
  if (program === "" || program.includes("/")) return;
  for (const location of line.slice(gap).trim().split(",")) {
    const name = location.slice(location.lastIndexOf("/") + 1);
    let set = programs.get(name);
    if (set === undefined) programs.set(name, (set = new Set()));
    set.add(program);
  }
}

/**
 * Reads the gzip-compressed `Contents` index `file` into `programs`,
 * streaming (the text is never whole in memory).
 *
 * @throws DebianArchiveError for a file that is not gzip.
 */
export async function readContentsPrograms(file: string, programs: Map<string, Set<string>>): Promise<void> {
  const stream = createReadStream(file).pipe(createGunzip());
  stream.setEncoding("utf8");
  let rest = "";
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) addLine(line, programs);
    }
  } catch (error) {
    throw new DebianArchiveError(`'${file}' is not a gzip-compressed Contents index: ${error instanceof Error ? error.message : String(error)}`);
  }
  addLine(rest, programs);
}

/** The compact form: JSON, packages in name order. */
export function serialisePrograms(programs: ReadonlyMap<string, ReadonlySet<string> | readonly string[]>): string {
  const names = [...programs.keys()].sort();
  const rows = names.map((name) => `${JSON.stringify(name)}:${JSON.stringify([...(programs.get(name) ?? [])].sort())}`);
  return `{"format":${JSON.stringify(PROGRAM_INDEX_FORMAT)},"programs":{\n${rows.join(",\n")}\n}}\n`;
}

/**
 * Reads the compact form.
 *
 * @throws DebianArchiveError for anything else.
 */
export function deserialisePrograms(text: string, source: string): ProgramIndex {
  let parsed: { format?: unknown; programs?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (error) {
    throw new DebianArchiveError(`'${source}' is not a Debian program index: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed.format !== PROGRAM_INDEX_FORMAT || typeof parsed.programs !== "object" || parsed.programs === null) throw new DebianArchiveError(`'${source}' is not a Debian program index of format ${PROGRAM_INDEX_FORMAT}`);
  return new Map(Object.entries(parsed.programs as Record<string, string[]>));
}

/** The fetches of a locked input's `Contents` indexes (none for a lock taken before Kiln read them). */
export function contentsFetches(input: LockedDebianInput, mirrors: readonly string[]): Derivation<"out">[] {
  return input.indexes.flatMap((index) => {
    if (index.contents === undefined) return [];
    const file = index.contents.path.slice(index.contents.path.lastIndexOf("/") + 1);
    return [archiveFetch(`debian-${input.suite}-${index.component}-${file}`, index.contents.path, index.contents.sha256, mirrors)];
  });
}

/** The compact program index of a locked input, built from its `Contents` indexes; `undefined` when the lock has none. */
export function programIndexDerivation(input: LockedDebianInput, mirrors: readonly string[]): Derivation<"out"> | undefined {
  const fetches = contentsFetches(input, mirrors);
  if (fetches.length === 0) return undefined;
  return derivation({
    name: storeName(`debian-${input.suite}-${input.architecture}-programs`),
    system: "builtin",
    builder: "builtin:kiln-debian-programs",
    contents: fetches.map((fetch) => fetch.outPath).join(" "),
    preferLocalBuild: true,
  });
}

/** The builder `builtin:kiln-debian-programs`: reads each `Contents` index of `contents` into the compact form. */
export async function buildProgramIndex(context: BuiltinBuildContext): Promise<void> {
  const programs = new Map<string, Set<string>>();
  for (const file of (context.drv.env.get("contents") ?? "").split(" ").filter((path) => path !== "")) {
    context.log(`reading the programs of '${file}'`);
    await readContentsPrograms(file, programs);
  }
  writeFileSync(context.output, serialisePrograms(programs), { mode: 0o644 });
}

/**
 * The programs of `input`'s packages: from the store if present, else
 * realised by the realiser `setDebianRealiser` set (the CLI sets one);
 * `undefined` when the lock records no `Contents` index or nothing can
 * build it (then `kiln run` falls back to the package's name).
 */
export async function loadProgramIndex(input: LockedDebianInput, mirrors: readonly string[]): Promise<ProgramIndex | undefined> {
  const compact = programIndexDerivation(input, mirrors);
  if (compact === undefined) return undefined;
  const path = compact.outputs.out.path;
  const realise = currentRealiser();
  if (!existsSync(path) && realise !== undefined) await realise([compact]);
  return existsSync(path) ? deserialisePrograms(readFileSync(path, "utf8"), path) : undefined;
}

/**
 * The program a package is run by, as nixpkgs' `meta.mainProgram`: the one
 * named like the package; else like the package without a flavour suffix
 * (`nginx-light` → `nginx`, `python3-minimal` → `python3`); else the longest
 * (of three letters or more) that the first part of the package's name ends
 * with (`openssh-client` → `ssh`); else its only one. `undefined` when none
 * of these picks one (`coreutils`).
 */
export function chooseMainProgram(name: string, programs: readonly string[]): string | undefined {
  if (programs.includes(name)) return name;
  for (let stem = name; stem.includes("-"); ) {
    stem = stem.slice(0, stem.lastIndexOf("-"));
    if (programs.includes(stem)) return stem;
  }
  const first = name.split("-")[0] ?? name;
  const contained = programs.filter((program) => program.length >= 3 && first.endsWith(program)).sort((a, b) => b.length - a.length)[0];
  if (contained !== undefined) return contained;
  return programs.length === 1 ? programs[0] : undefined;
}

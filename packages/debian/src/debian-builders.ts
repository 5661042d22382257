/**
 * The built-in builders behind {@link compactIndexDerivation},
 * {@link unpackedDerivation}, {@link packageDerivation} and {@link fhsEnvDerivation}: they run inside
 * Kiln, as `builtin:fetchurl` does, so that no tool has to be built (or
 * taken from the host) to read an index or unpack a `.deb`. Importing
 * `@kiln/debian` registers them.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { declaredOutputHash } from "@kiln/formats";
import { downloadFirst, registerBuiltinBuilder, type BuiltinBuildContext } from "@kiln/store";
import { join } from "node:path";
import { parseAlternatives, writeAlternatives } from "./alternatives.js";
import { unpackDeb } from "./deb-file.js";
import { parseAccountCommands, writeAccounts } from "./maintainer-accounts.js";
import { buildFhsEnvironment } from "./fhs-environment.js";
import { DebianArchiveError } from "./debian-errors.js";
import { decompressIndex } from "./index-decompress.js";
import { parsePackagesFile, serialiseIndex } from "./package-index.js";
import { buildProgramIndex } from "./program-index.js";

function env(context: BuiltinBuildContext, name: string): string {
  return context.drv.env.get(name) ?? "";
}

function paths(context: BuiltinBuildContext, name: string): string[] {
  return env(context, name).split(" ").filter((path) => path !== "");
}

/**
 * `builtin:kiln-debian-fetch`: a fixed-output fetch of a file of the archive
 * (an index or a `.deb`), as `builtin:fetchurl`, trying the hashed mirrors
 * and then each mirror in turn (an archive mirror that keeps every version
 * may follow the usual one in `KILN_DEBIAN_MIRRORS`). When every mirror
 * answers that the file is not there, the error says why that happens to a
 * lock and what to do; when some could not be reached, it says only that.
 */
async function buildFetch(context: BuiltinBuildContext): Promise<void> {
  const urls = paths(context, "urls");
  try {
    await downloadFirst(context, urls, context.output, declaredOutputHash(context.drv).hash);
  } catch (error) {
    if (context.signal?.aborted === true) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new DebianArchiveError(fileIsGone(detail, urls.length) ? goneMessage(env(context, "archivePath"), detail) : `cannot fetch the locked file '${env(context, "archivePath")}' from any mirror:\n${detail}`);
  }
  chmodSync(context.output, 0o644);
}

/** Whether each of the `count` URLs' failures in `detail` is an answer that the file is not there (404 or 410). */
function fileIsGone(detail: string, count: number): boolean {
  return (detail.match(/HTTP error (?:404|410)\b|ENOENT/g) ?? []).length >= count;
}

/** What to do when no mirror has a locked file any more. */
function goneMessage(archivePath: string, detail: string): string {
  return (
    `no mirror serves the locked file '${archivePath}' any more: Debian removes superseded versions from its mirrors at point releases. ` +
    `'kiln update' moves the lock forward to what the mirrors have; or list a mirror that keeps every version in KILN_DEBIAN_MIRRORS (after the usual one), or a directory of files named by hash in KILN_HASHED_MIRRORS.\n${detail}`
  );
}

async function buildIndex(context: BuiltinBuildContext): Promise<void> {
  const packages = paths(context, "indexes").flatMap((file) => {
    context.log(`parsing '${file}'`);
    return parsePackagesFile(decompressIndex(readFileSync(file), file), file);
  });
  writeFileSync(context.output, serialiseIndex(packages), { mode: 0o644 });
}

async function buildUnpack(context: BuiltinBuildContext): Promise<void> {
  const deb = env(context, "deb");
  context.log(`unpacking '${deb}'`);
  const control = join(context.scratch, "control");
  await unpackDeb(deb, context.output, context.scratch, control);
  // What the postinst would link with update-alternatives, and the accounts the scripts would make, read (never run) for the environment builder.
  const script = (name: string): string => (existsSync(join(control, name)) ? readFileSync(join(control, name), "latin1") : "");
  writeAlternatives(context.output, parseAlternatives(script("postinst")));
  writeAccounts(context.output, parseAccountCommands(script("preinst"), script("postinst")));
}

/** Registers the builders (done once when `@kiln/debian` is imported; doing it again is harmless). */
export function registerDebianBuilders(): void {
  registerBuiltinBuilder("kiln-debian-fetch", buildFetch);
  registerBuiltinBuilder("kiln-debian-index", buildIndex);
  registerBuiltinBuilder("kiln-debian-unpack", buildUnpack);
  registerBuiltinBuilder("kiln-debian-fhs", buildFhsEnvironment);
  registerBuiltinBuilder("kiln-debian-programs", buildProgramIndex);
}

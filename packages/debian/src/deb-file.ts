/**
 * A `.deb` file (deb(5)): an `ar` archive of `debian-binary` (`2.0`),
 * `control.tar.*` (the maintainer's metadata and scripts) and
 * `data.tar.{xz,gz,zst,bz2}` (the files). Kiln reads the `ar` container
 * itself and unpacks the data member with its own tar readers (zstd through
 * `zstd-member.ts`), as `dpkg-deb -x` does; the control member (and with it
 * every maintainer script) is not part of the unpacked tree: it is read
 * only for what the environment builder makes instead of running scripts.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { unpackArchive } from "@kiln/store";
import { DebianArchiveError } from "./debian-errors.js";
import { isZstd, writeZstdDecompressed } from "./zstd-member.js";

/** One member of an `ar` archive. */
export interface ArMember {
  readonly name: string;
  readonly data: Buffer;
}

const AR_MAGIC = "!<arch>\n";
const HEADER = 60;

/**
 * The members of the `ar` archive `bytes`, in order.
 *
 * @throws DebianArchiveError for anything that is not a well-formed `ar` archive.
 */
export function readAr(bytes: Buffer, source: string): ArMember[] {
  if (bytes.toString("latin1", 0, AR_MAGIC.length) !== AR_MAGIC) throw new DebianArchiveError(`'${source}' is not a .deb: it does not start with the ar magic '!<arch>'`);
  const members: ArMember[] = [];
  let offset = AR_MAGIC.length;
  while (offset < bytes.length) {
    if (offset + HEADER > bytes.length) throw new DebianArchiveError(`'${source}' is truncated: a member header ends past the end of the file`);
    const header = bytes.toString("latin1", offset, offset + HEADER);
    if (header.slice(58, 60) !== "`\n") throw new DebianArchiveError(`'${source}' has a malformed ar member header at byte ${offset}`);
    const name = header.slice(0, 16).trim().replace(/\/$/, "");
    const size = Number(header.slice(48, 58).trim());
    if (!Number.isSafeInteger(size) || size < 0) throw new DebianArchiveError(`'${source}': member '${name}' has a malformed size`);
    const start = offset + HEADER;
    if (start + size > bytes.length) throw new DebianArchiveError(`'${source}' is truncated: member '${name}' ends past the end of the file`);
    members.push({ name, data: bytes.subarray(start, start + size) });
    // Members start on even offsets.
    offset = start + size + (size % 2);
  }
  return members;
}

/** The members of the `.deb` at `debFile`, after checking that it is a `.deb` of format 2.x. */
function debMembers(debFile: string): ArMember[] {
  const members = readAr(readFileSync(debFile), debFile);
  const version = members[0];
  if (version?.name !== "debian-binary" || !version.data.toString("latin1").startsWith("2.")) {
    throw new DebianArchiveError(`'${debFile}' is not a .deb of format 2.x: its first member is '${version?.name ?? "(none)"}', not 'debian-binary' with '2.0'`);
  }
  return members;
}

/** Writes `member` into `scratch` as a file Kiln's unpacker reads: as it is, or, zstd-compressed, decompressed to a plain tar. */
function memberArchive(member: ArMember, scratch: string, debFile: string): string {
  if (isZstd(member.data)) {
    const tarball = join(scratch, member.name.replace(/\.zst$/, ""));
    writeZstdDecompressed(member.data, tarball, debFile, member.name);
    return tarball;
  }
  const tarball = join(scratch, member.name);
  writeFileSync(tarball, member.data);
  return tarball;
}

/**
 * Unpacks the files of the `.deb` at `debFile` into `destination` (created;
 * it must not exist), and with `controlDestination` its control member
 * (`control`, `postinst`, …; nothing in it is run) there, with the same safe
 * unpacker. `scratch` is an existing directory for the members. Symlinks
 * with absolute targets are kept: they name paths of the system the package
 * is installed into.
 *
 * @throws DebianArchiveError for a file that is not a `.deb` of format 2.x,
 *   lacks the data (or asked-for control) member, or whose member is not a
 *   valid compressed stream.
 */
export async function unpackDeb(debFile: string, destination: string, scratch: string, controlDestination?: string): Promise<void> {
  const members = debMembers(debFile);
  const data = members.find((member) => member.name.startsWith("data.tar"));
  if (data === undefined) throw new DebianArchiveError(`'${debFile}' has no data.tar member`);
  await unpackArchive(memberArchive(data, scratch, debFile), destination, { stripRoot: false, absoluteSymlinks: true });
  if (controlDestination === undefined) return;
  const control = members.find((member) => member.name.startsWith("control.tar"));
  if (control === undefined) throw new DebianArchiveError(`'${debFile}' has no control.tar member`);
  await unpackArchive(memberArchive(control, scratch, debFile), controlDestination, { stripRoot: false, absoluteSymlinks: true });
}

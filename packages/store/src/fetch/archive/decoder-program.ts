/**
 * Decoding a compressed file with the reference implementation of its
 * format, run as a separate program (XZ Utils' `xz`, bzip2's `bzip2`),
 * with Kiln's own decoder behind it. The program is several times faster
 * than Kiln's decoders (docs/archive-decoders.md), and it decodes beside
 * Kiln's process, which meanwhile writes the output.
 *
 * Kiln's own decoder stays the reference for what is accepted and what an
 * error says: when the program fails for any reason (a corrupt or truncated
 * file, a memory limit, a signal, a warning on its standard error such as
 * bzip2's "trailing garbage"), Kiln's decoder takes over where it stopped:
 * it decodes the file again, passes over the bytes the program already gave,
 * and either gives the rest or fails with its own ArchiveFormatError. So the
 * output is the same bytes either way. One difference remains: the programs
 * hand on a block's bytes before they check it, where Kiln's decoders check
 * first, so a corrupt file's bytes may reach the reader before the failure
 * does; the unpacker (`unpack-archive.ts`) then unpacks the archive again
 * with Kiln's decoders alone, so the error is the one it always was.
 */
import { spawn, spawnSync } from "node:child_process";
import { programOnPath } from "../../util/program-on-path.js";

const found = new Map<string, string | null>();

/**
 * The program `name` on `PATH` whose `--version` mentions `mark` (so that a
 * stand-in such as BusyBox's applet is not taken for the real one), looked
 * up once per process; `null` when there is none.
 */
export function findProgram(name: string, mark: string): string | null {
  const known = found.get(name);
  if (known !== undefined) return known;
  let program: string | null = null;
  const candidate = programOnPath(name);
  if (candidate !== undefined) {
    const version = spawnSync(candidate, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 10_000 });
    if (version.status === 0 && `${version.stdout}${version.stderr}`.includes(mark)) program = candidate;
  }
  found.set(name, program);
  return program;
}

/**
 * The output of `program` run with `args` (which decodes a file to its
 * standard output), and from wherever it failed, that of `fallback`
 * (Kiln's own decoding of the same file, from its start). Stopping early
 * stops the process.
 *
 * @throws the fallback's errors, for a file neither decodes.
 */
export async function* decodeWithProgram(
  program: string,
  args: readonly string[],
  fallback: () => AsyncIterable<Buffer> | Iterable<Buffer>,
): AsyncGenerator<Buffer, void, undefined> {
  const child = spawn(program, args, { stdio: ["ignore", "pipe", "pipe"] });
  let complained = false;
  child.stderr.on("data", () => (complained = true));
  const ended = new Promise<boolean>((resolve) => {
    child.on("error", () => resolve(false));
    child.once("close", (code) => resolve(code === 0));
  });
  let given = 0;
  let succeeded = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      given += chunk.length;
      yield chunk;
    }
    succeeded = (await ended) && !complained;
  } catch {
    // The pipe broke: as if the program had failed.
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    child.stdout.destroy();
    child.stderr.destroy();
  }
  if (succeeded) return;
  let skip = given;
  for await (const chunk of fallback()) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    yield skip > 0 ? chunk.subarray(skip) : chunk;
    skip = 0;
  }
}

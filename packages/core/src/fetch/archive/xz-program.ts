/**
 * Decoding .xz with liblzma, the reference implementation, by running the
 * `xz` program of XZ Utils (on `PATH`) as a separate process: 2.5 times less
 * CPU than Kiln's own decoder, its blocks decoded on several cores (Debian's
 * `.deb`s are written in blocks of 24 MiB), and the decoding off Kiln's own
 * process, beside what Kiln does with the output. The issue names the
 * WebAssembly and native-addon alternatives and why they were not taken
 * (docs/archive-decoders.md).
 *
 * Kiln's own decoder stays the reference for what is accepted: `xz` runs
 * only on files whose block headers show nothing but LZMA2 with a dictionary
 * within Kiln's limit (`xz-block-scan.ts`), under `--memlimit-decompress`,
 * so its memory is bounded as Kiln's is. When `xz` fails for any reason (a
 * corrupt or truncated file, a memory limit, a signal), Kiln's decoder
 * takes over where it stopped: it decodes the file again, passes over the
 * bytes `xz` already gave, and either gives the rest or fails with its own
 * ArchiveFormatError. The output is the same bytes either way, and
 * so are the errors; decoding is deterministic, so which program decoded a
 * file changes nothing about a store path.
 */
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/**
 * What `xz` may use beyond twice the largest dictionary: its buffers, and
 * with two threads each one's block (Debian's take 75 MiB this way with
 * 8 MiB dictionaries). One thread needs the dictionary and 1 MiB; blocks
 * that would need more for threads than this are decoded on one.
 */
const MEMORY_MARGIN = 64 << 20;

let found: string | null | undefined;

/**
 * The `xz` program of XZ Utils on `PATH` (one that names liblzma in its
 * `--version`, not a stand-in such as BusyBox's), looked up once per process;
 * `null` when there is none.
 */
export function findXzProgram(): string | null {
  if (found !== undefined) return found;
  found = null;
  for (const directory of (process.env["PATH"] ?? "").split(delimiter)) {
    if (directory === "") continue;
    const candidate = join(directory, "xz");
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    const version = spawnSync(candidate, ["--version"], { encoding: "utf8", timeout: 10_000 });
    if (version.status === 0 && version.stdout.includes("liblzma")) found = candidate;
    break;
  }
  return found;
}

/** How {@link xzDecompressWithProgram} runs. */
export interface XzProgramOptions {
  /** The `xz` program. */
  readonly program: string;
  /** The largest dictionary the file's blocks declare; `xz` may use twice this much memory and a margin more. */
  readonly dictionary: number;
  /** Kiln's own decoding of the same file, from its start: what takes over when `xz` fails. */
  readonly fallback: () => AsyncIterable<Buffer> | Iterable<Buffer>;
}

/**
 * The decoded bytes of the .xz file `file`, from liblzma through `xz`, and
 * from Kiln's own decoder (`fallback`) from wherever `xz` failed. Stopping
 * early stops the process.
 *
 * @throws the fallback's ArchiveFormatError, for a file neither decodes.
 */
export async function* xzDecompressWithProgram(file: string, options: XzProgramOptions): AsyncGenerator<Buffer, void, undefined> {
  const limit = 2 * options.dictionary + MEMORY_MARGIN;
  // --threads=0: as many threads as cores, used for files of several blocks when they fit the memory limit.
  const child = spawn(options.program, ["--decompress", "--stdout", "--quiet", "--threads=0", `--memlimit-decompress=${limit}`, "--", file], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  const ended = new Promise<boolean>((resolve) => {
    child.once("error", () => resolve(false));
    child.once("close", (code) => resolve(code === 0));
  });
  let given = 0;
  let succeeded = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      given += chunk.length;
      yield chunk;
    }
    succeeded = await ended;
  } catch {
    // The pipe broke: as if `xz` had failed.
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    child.stdout.destroy();
  }
  if (succeeded) return;
  let skip = given;
  for await (const chunk of options.fallback()) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    yield skip > 0 ? chunk.subarray(skip) : chunk;
    skip = 0;
  }
}

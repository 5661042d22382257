/**
 * The host's tools, which Kiln's stdenv builds with, and their versions.
 *
 * Nothing can be downloaded during a build, so instead of nixpkgs' bootstrap
 * (a compiler and coreutils built from pinned sources) the stdenv uses what
 * the host has in /usr/bin and /bin, which the sandbox exposes read-only. To
 * keep "same inputs, same store path" meaningful, each tool's `--version`
 * line goes into the stdenv derivation: a host with another gcc, make or bash
 * gets another stdenv, hence other store paths for every package. This is a
 * fingerprint, not a guarantee: two hosts that report the same versions but
 * differ otherwise (a distribution patch that keeps the version string, a
 * library the tools load) share store paths. See docs/pkgs.md.
 *
 * Asking takes a few dozen milliseconds, so it is done once per process and
 * search path, when a stdenv is first needed.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, realpathSync } from "node:fs";
import { join } from "node:path";
import { noteEvaluationRead } from "@kiln/formats";

/** How to ask one tool for its version. */
export interface HostToolSpec {
  /** The name the fingerprint uses, e.g. `coreutils`. */
  readonly name: string;
  /** The program to run, e.g. `cat`. */
  readonly program: string;
  /** Argument lists to try in turn until one prints a version (default: `--version`). */
  readonly versionArguments?: readonly (readonly string[])[];
  /** Whether stdenv works without it (its absence is still recorded). */
  readonly optional?: boolean;
}

/** One host tool as found. */
export interface HostTool {
  /** The fingerprint name, e.g. `gcc`. */
  readonly name: string;
  /** The program run. */
  readonly program: string;
  /** Where it is, symlinks resolved; `undefined` if it is not on the search path. */
  readonly path: string | undefined;
  /** The first line it printed for its version, or `not found`. */
  readonly version: string;
}

/** The host tools a stdenv builds with. */
export interface HostToolchain {
  /** Where builds look for them (`PATH` after the dependencies' `bin` directories). */
  readonly searchPath: string;
  /** Each tool, in the order of the specs. */
  readonly tools: readonly HostTool[];
}

/** The tools of every build: shell, file and text utilities, archivers, patch, make. */
export const BASIC_HOST_TOOLS: readonly HostToolSpec[] = Object.freeze([
  { name: "bash", program: "bash" },
  { name: "coreutils", program: "cat" },
  { name: "findutils", program: "find" },
  { name: "diffutils", program: "diff" },
  { name: "sed", program: "sed" },
  { name: "grep", program: "grep" },
  { name: "awk", program: "awk", versionArguments: [["--version"], ["-W", "version"], ["-V"]] },
  { name: "tar", program: "tar" },
  { name: "gzip", program: "gzip" },
  { name: "bzip2", program: "bzip2", versionArguments: [["--version"], ["-h"]] },
  { name: "xz", program: "xz" },
  { name: "patch", program: "patch" },
  { name: "make", program: "make" },
]);

/** The C toolchain, added by a stdenv with a compiler: gcc, g++, binutils, the C library, pkg-config. */
export const COMPILER_HOST_TOOLS: readonly HostToolSpec[] = Object.freeze([
  { name: "gcc", program: "gcc" },
  { name: "g++", program: "g++", optional: true },
  { name: "binutils", program: "ld" },
  { name: "libc", program: "ldd" },
  { name: "pkg-config", program: "pkg-config", optional: true },
]);

/** The default search path for host tools. */
export const DEFAULT_HOST_PATH = "/usr/bin:/bin";

/** The first executable named `program` in `searchPath`. */
function findProgram(program: string, searchPath: string): string | undefined {
  for (const directory of searchPath.split(":")) {
    if (directory === "") continue;
    const candidate = join(directory, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here: try the next directory.
    }
  }
  return undefined;
}

/** Whether `line` is a complaint about the arguments rather than a version. */
function looksLikeUsageError(line: string): boolean {
  return /not an option|unrecognized option|invalid option|illegal option|unknown option|usage:/i.test(line);
}

/**
 * The first line `program` prints for its version, trying each argument
 * list. It runs under its plain name (`gcc`, not the `x86_64-linux-gnu-gcc-12`
 * it links to), since some tools print their own name first.
 */
function askVersion(spec: HostToolSpec, path: string, searchPath: string): string {
  for (const args of spec.versionArguments ?? [["--version"]]) {
    const result = spawnSync(path, [...args], {
      argv0: spec.program,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 10_000,
      env: { PATH: searchPath, LC_ALL: "C", LANG: "C" },
    });
    const text = `${result.stdout ?? ""}\n${result.stderr ?? ""}`;
    const line = text
      .split("\n")
      .map((candidate) => candidate.trim())
      .find((candidate) => candidate !== "");
    if (line !== undefined && !looksLikeUsageError(line) && result.error === undefined) return line;
  }
  return "version unknown";
}

const probed = new Map<string, HostToolchain>();

/**
 * Tells a recorded evaluation which host files its result depends on: every
 * place each tool was looked for, so that installing, upgrading or removing
 * one makes a cached evaluation stale (asking the versions again would cost
 * what the cache saves).
 */
function noteHostToolReads(specs: readonly HostToolSpec[], searchPath: string): void {
  for (const spec of specs) {
    for (const directory of searchPath.split(":")) if (directory !== "") noteEvaluationRead({ kind: "host-file", path: join(directory, spec.program) });
  }
}

/**
 * Finds each tool on `searchPath` and asks its version, once per process for
 * the same tools and path.
 */
export function probeHostTools(specs: readonly HostToolSpec[] = [...BASIC_HOST_TOOLS, ...COMPILER_HOST_TOOLS], searchPath: string = DEFAULT_HOST_PATH): HostToolchain {
  const key = `${searchPath}\0${specs.map((spec) => `${spec.name}=${spec.program} ${JSON.stringify(spec.versionArguments ?? [])}`).join("\0")}`;
  noteHostToolReads(specs, searchPath);
  const known = probed.get(key);
  if (known !== undefined) return known;
  const tools = specs.map((spec): HostTool => {
    const found = findProgram(spec.program, searchPath);
    if (found === undefined) return { name: spec.name, program: spec.program, path: undefined, version: "not found" };
    return { name: spec.name, program: spec.program, path: realpathSync(found), version: askVersion(spec, found, searchPath) };
  });
  const toolchain: HostToolchain = Object.freeze({ searchPath, tools: Object.freeze(tools) });
  probed.set(key, toolchain);
  return toolchain;
}

/**
 * The text that goes into the stdenv derivation: one `name: version` line per
 * tool. Paths are left out so that the same versions give the same store
 * paths on hosts that install them in different places.
 */
export function hostToolsFingerprint(toolchain: HostToolchain): string {
  return toolchain.tools.map((tool) => `${tool.name}: ${tool.version}`).join("\n");
}

/** The required tools of `specs` that `toolchain` did not find. */
export function missingHostTools(toolchain: HostToolchain, specs: readonly HostToolSpec[]): string[] {
  const optional = new Set(specs.filter((spec) => spec.optional === true).map((spec) => spec.name));
  return toolchain.tools.filter((tool) => tool.path === undefined && !optional.has(tool.name)).map((tool) => tool.name);
}

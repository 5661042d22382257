/**
 * Where Debian's archive is: the mirrors the host's apt already uses, read
 * from its sources (`/etc/apt/sources.list`, `/etc/apt/sources.list.d/*.list`
 * in the one-line format, and `*.sources` in the deb822 format), or the list
 * in `KILN_DEBIAN_MIRRORS`. Kiln names no mirror itself: a machine that can
 * install Debian packages already says where they come from.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { controlField, parseControlFile } from "./control-file.js";
import { DebianMirrorError } from "./debian-errors.js";

/** One apt source: an archive URI and the suites and components taken from it. */
export interface AptSource {
  /** `deb`, `deb-src`. */
  readonly types: readonly string[];
  /** Archive roots, each ending in `/`. */
  readonly uris: readonly string[];
  readonly suites: readonly string[];
  readonly components: readonly string[];
  /** The file it came from, for messages. */
  readonly file: string;
}

function withSlash(uri: string): string {
  return uri.endsWith("/") ? uri : `${uri}/`;
}

function words(value: string | undefined): string[] {
  return (value ?? "").split(/\s+/).filter((word) => word !== "");
}

/** Parses a one-line `sources.list`: `deb [options] URI SUITE [COMPONENT…]` per line. */
export function parseSourcesList(text: string, file = "sources.list"): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") continue;
    // `[arch=amd64 signed-by=…]` options may follow the type.
    const parts = words(line.replace(/\[[^\]]*\]/, " "));
    const [type, uri, suite, ...components] = parts;
    if (type === undefined || uri === undefined || suite === undefined) continue;
    sources.push({ types: [type], uris: [withSlash(uri)], suites: [suite], components, file });
  }
  return sources;
}

/** Parses a deb822 `.sources` file: paragraphs with `Types`, `URIs`, `Suites`, `Components` (and `Enabled: no` to turn one off). */
export function parseDeb822Sources(text: string, file = "debian.sources"): AptSource[] {
  const sources: AptSource[] = [];
  for (const paragraph of parseControlFile(text)) {
    if ((controlField(paragraph, "Enabled") ?? "yes").toLowerCase() === "no") continue;
    const uris = words(controlField(paragraph, "URIs")).map(withSlash);
    if (uris.length === 0) continue;
    sources.push({
      types: words(controlField(paragraph, "Types")),
      uris,
      suites: words(controlField(paragraph, "Suites")),
      components: words(controlField(paragraph, "Components")),
      file,
    });
  }
  return sources;
}

/** Every source configured under `aptDir` (default `/etc/apt`), in apt's order: `sources.list`, then `sources.list.d` by name. */
export function readAptSources(aptDir = "/etc/apt"): AptSource[] {
  const sources: AptSource[] = [];
  const main = join(aptDir, "sources.list");
  if (existsSync(main)) sources.push(...parseSourcesList(readFileSync(main, "utf8"), main));
  const parts = join(aptDir, "sources.list.d");
  if (existsSync(parts)) {
    for (const name of readdirSync(parts).sort()) {
      const file = join(parts, name);
      if (name.endsWith(".list")) sources.push(...parseSourcesList(readFileSync(file, "utf8"), file));
      else if (name.endsWith(".sources")) sources.push(...parseDeb822Sources(readFileSync(file, "utf8"), file));
    }
  }
  return sources;
}

/** Where {@link debianMirrors} looks. */
export interface MirrorDiscoveryOptions {
  /** The environment (default `process.env`); `KILN_DEBIAN_MIRRORS` there wins. */
  readonly env?: NodeJS.ProcessEnv;
  /** apt's configuration directory (default `/etc/apt`). */
  readonly aptDir?: string;
}

/**
 * The archive roots to fetch `suite` from, in the order to try them:
 * `KILN_DEBIAN_MIRRORS` (URLs separated by spaces or commas) if set, else
 * the URIs of the host's `deb` sources that list `suite` (or, when none
 * lists it, of every `deb` source).
 *
 * @throws DebianMirrorError when there is none.
 */
export function debianMirrors(suite: string, options: MirrorDiscoveryOptions = {}): string[] {
  const env = options.env ?? process.env;
  const configured = (env["KILN_DEBIAN_MIRRORS"] ?? "").split(/[\s,]+/).filter((uri) => uri !== "");
  if (configured.length > 0) return configured.map(withSlash);
  const aptDir = options.aptDir ?? "/etc/apt";
  const binary = readAptSources(aptDir).filter((source) => source.types.includes("deb"));
  const listing = binary.filter((source) => source.suites.includes(suite));
  const uris = [...new Set((listing.length > 0 ? listing : binary).flatMap((source) => source.uris))];
  if (uris.length === 0) {
    throw new DebianMirrorError(
      `no Debian mirror is known for suite '${suite}': set KILN_DEBIAN_MIRRORS to the archive's URL (several may be given, separated by spaces), or add a 'deb' source to ${aptDir}/sources.list or ${aptDir}/sources.list.d/`,
    );
  }
  return uris;
}

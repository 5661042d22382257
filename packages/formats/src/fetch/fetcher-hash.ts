/**
 * The hash arguments every fetcher takes, `hash` (SRI, `algo:…`, or `""`)
 * or one of the legacy `sha256`/`sha512`/`sha1`/`md5`, turned into
 * `outputHash`/`outputHashAlgo` as Nix's own `<nix/fetchurl.nix>` does:
 * `hash` goes in as written with an empty algorithm, a legacy one with its
 * algorithm. An empty hash stands for the all-zero hash, so the fetch runs
 * and then reports the real hash to paste in.
 */
import { parseHashAllowEmpty, type HashAlgorithm } from "../store/hash.js";
import { FetcherArgumentError } from "./fetch-errors.js";

/** The hash arguments of a fetcher; give exactly one. */
export interface FetcherHashArgs {
  /** The hash in SRI form (`sha256-…`), `algo:hash`, or `""` to have Kiln report the right one. */
  readonly hash?: string;
  /** A sha256 hash in any encoding (legacy; prefer `hash`). */
  readonly sha256?: string;
  /** A sha512 hash in any encoding (legacy; prefer `hash`). */
  readonly sha512?: string;
  /** A sha1 hash in any encoding (legacy). */
  readonly sha1?: string;
  /** An md5 hash (legacy). */
  readonly md5?: string;
}

/** What {@link fetcherOutputHash} gives. */
export interface FetcherOutputHash {
  readonly outputHash: string;
  readonly outputHashAlgo: HashAlgorithm | "";
  /** Which argument held the hash. */
  readonly attribute: keyof FetcherHashArgs;
  /** The hash as written. */
  readonly written: string;
}

const LEGACY = ["sha512", "sha256", "sha1", "md5"] as const;

/** Picks and checks the one hash argument of a fetcher call. */
export function fetcherOutputHash(fetcher: string, what: string, args: FetcherHashArgs): FetcherOutputHash {
  const given = (["hash", ...LEGACY] as const).filter((key) => args[key] !== undefined);
  if (given.length === 0) {
    throw new FetcherArgumentError(`${fetcher}: no hash given for ${what}; write hash: "" and Kiln will fetch it and tell you the right one`);
  }
  if (given.length > 1) throw new FetcherArgumentError(`${fetcher}: give only one of ${given.join(", ")} for ${what}`);
  const attribute = given[0] as keyof FetcherHashArgs;
  const written = args[attribute] as string;
  if (typeof written !== "string") throw new FetcherArgumentError(`${fetcher}: '${attribute}' must be a string for ${what}`);
  const algorithm: HashAlgorithm | "" = attribute === "hash" ? "" : attribute;
  // Parse now so that a malformed hash is reported at the call, not at build time.
  try {
    parseHashAllowEmpty(written, algorithm === "" ? (written === "" ? "sha256" : undefined) : algorithm);
  } catch (error) {
    throw new FetcherArgumentError(`${fetcher}: bad ${attribute} for ${what}: ${(error as Error).message}`);
  }
  if (attribute === "hash" && written === "") return { outputHash: "", outputHashAlgo: "sha256", attribute, written };
  return { outputHash: written, outputHashAlgo: algorithm, attribute, written };
}

/** Just the hash arguments of `args`, for passing on to another fetcher. */
export function pickHashArgs(args: FetcherHashArgs): FetcherHashArgs {
  const picked: { -readonly [Key in keyof FetcherHashArgs]: FetcherHashArgs[Key] } = {};
  for (const key of ["hash", ...LEGACY] as const) if (args[key] !== undefined) picked[key] = args[key];
  return picked;
}

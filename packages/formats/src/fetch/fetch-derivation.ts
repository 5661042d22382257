/**
 * The derivation every fetcher makes: a fixed-output derivation whose
 * builder is one of Kiln's built-in fetchers (`builtin:fetchurl`, as Nix's
 * own, or `builtin:kiln-fetchzip`, …). The realiser runs the fetch itself,
 * so no fetching tool needs to be built first, and the output path depends
 * only on the name, the hash and its mode: exactly the path nixpkgs' fetcher
 * gives for the same source.
 */
import { derivation, type Derivation, type DerivationAttrValue } from "../derivation/derivation.js";
import { callerLocation } from "../source/caller-location.js";
import type { FileIngestionMethod } from "../store/store-path.js";
import { recordFetcherCall } from "./fetcher-registry.js";
import { fetcherOutputHash, type FetcherHashArgs } from "./fetcher-hash.js";

/** The environment variables a fetch may read from the caller (proxies), as in Nix. */
export const FETCH_IMPURE_ENV_VARS = ["http_proxy", "https_proxy", "ftp_proxy", "all_proxy", "no_proxy"] as const;

/** What {@link fetchDerivation} needs. */
export interface FetchDerivationSpec {
  readonly fetcher: string;
  readonly builder: string;
  readonly name: string;
  readonly mode: FileIngestionMethod;
  readonly hashArgs: FetcherHashArgs;
  /** What is fetched, for messages. */
  readonly source: string;
  /** The fetcher's own attributes (URLs, revision, …). */
  readonly attrs: Readonly<Record<string, DerivationAttrValue>>;
}

/** Makes a fetcher's derivation and remembers where it was called. */
export function fetchDerivation(spec: FetchDerivationSpec): Derivation<"out"> {
  const hash = fetcherOutputHash(spec.fetcher, spec.source, spec.hashArgs);
  const fetched = derivation({
    ...spec.attrs,
    name: spec.name,
    builder: spec.builder,
    system: "builtin",
    // Fetching remotely only to copy the result back doubles the traffic.
    preferLocalBuild: true,
    impureEnvVars: [...FETCH_IMPURE_ENV_VARS],
    outputHashMode: spec.mode,
    outputHashAlgo: hash.outputHashAlgo,
    outputHash: hash.outputHash,
  });
  recordFetcherCall(fetched.drvPath, {
    fetcher: spec.fetcher,
    hashAttribute: hash.attribute,
    hashAsWritten: hash.written,
    location: callerLocation(),
    source: spec.source,
  });
  return fetched;
}

/** `baseNameOf` as Nix has it: the part after the last `/` (a trailing `/` ignored). */
export function baseNameOf(path: string): string {
  const trimmed = path.endsWith("/") ? path.slice(0, -1) : path;
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

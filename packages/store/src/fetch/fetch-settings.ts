/**
 * How downloads behave: timeouts, retries, mirrors. The defaults follow
 * Nix's (`download-attempts = 5`, `stalled-download-timeout = 300`), and each
 * can be set from the environment so that the CLI and libraries agree.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parseHashedMirrors } from "./hashed-mirrors.js";
import { MIRRORS, parseMirrorOverrides } from "./mirrors.js";

/** Settings of every download Kiln makes. */
export interface FetchSettings {
  /** A download that receives nothing for this long is abandoned (and retried). */
  readonly stallTimeoutMs: number;
  /** Connecting (up to the response headers) may take this long. */
  readonly connectTimeoutMs: number;
  /** How many times a URL is tried in all, when failures are transient. */
  readonly attempts: number;
  /** The first pause between attempts; it doubles each time (with jitter). */
  readonly retryDelayMs: number;
  /** Hashed mirrors, tried before the URLs (see `hashed-mirrors.ts`). */
  readonly hashedMirrors: readonly string[];
  /** The `mirror://` lists. */
  readonly mirrors: Readonly<Record<string, readonly string[]>>;
  /** Certificate authorities trusted for https, or `undefined` for Node's defaults. */
  readonly certificateAuthorities: readonly string[] | undefined;
}

function positiveNumber(value: string | undefined, fallback: number): number {
  const parsed = value === undefined || value === "" ? Number.NaN : Number(value);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}

/**
 * Settings from the environment: `KILN_FETCH_TIMEOUT` (seconds without
 * data), `KILN_CONNECT_TIMEOUT` (seconds), `KILN_FETCH_ATTEMPTS`,
 * `KILN_HASHED_MIRRORS`, `KILN_MIRRORS`, and an extra CA bundle from
 * `NIX_SSL_CERT_FILE` or `SSL_CERT_FILE` (added to Node's own CAs).
 */
export function fetchSettingsFromEnvironment(env: NodeJS.ProcessEnv = process.env, overrides: Partial<FetchSettings> = {}): FetchSettings {
  const caFile = env["NIX_SSL_CERT_FILE"] ?? env["SSL_CERT_FILE"];
  let authorities: { readonly list: readonly string[] | undefined } | undefined;
  return {
    stallTimeoutMs: positiveNumber(env["KILN_FETCH_TIMEOUT"], 300) * 1000,
    connectTimeoutMs: positiveNumber(env["KILN_CONNECT_TIMEOUT"], 30) * 1000,
    attempts: Math.floor(positiveNumber(env["KILN_FETCH_ATTEMPTS"], 5)),
    retryDelayMs: 250,
    hashedMirrors: parseHashedMirrors(env["KILN_HASHED_MIRRORS"]),
    mirrors: { ...MIRRORS, ...parseMirrorOverrides(env["KILN_MIRRORS"] ?? "") },
    // Read when a download first asks: Node's TLS module and the bundle cost about 10 ms, which every
    // `kiln build` would pay (the realiser takes its settings up front) though most download nothing.
    get certificateAuthorities(): readonly string[] | undefined {
      authorities ??= {
        list: caFile !== undefined && caFile !== "" ? [...(createRequire(import.meta.url)("node:tls") as typeof import("node:tls")).rootCertificates, readFileSync(caFile, "utf8")] : undefined,
      };
      return authorities.list;
    },
    ...overrides,
  };
}

/**
 * Downloads one URL to a file: http and https (following redirects), and
 * file URLs. A transient failure (no connection, a 5xx or 429 answer, a
 * stalled transfer) is retried with exponential backoff; a permanent one (a
 * 404, say) is not. Progress goes to `onBytes` as bytes arrive.
 *
 * Redirects are followed as curl follows them for Nix's `builtin:fetchurl`:
 * at most 10, and only to http or https from http, and only to https from
 * https. A server must never be able to point a download at a local file
 * (`file:///etc/shadow` would land in the world-readable store) or strip TLS.
 *
 * A download is bounded by the size it is expected to have, when that is
 * known (`maxBytes`, or the server's Content-Length): bytes beyond it end
 * the transfer at once rather than filling the disk.
 *
 * Nothing half-downloaded stays: on failure the destination is removed.
 */
import { createReadStream, createWriteStream, rmSync, statSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { FetchError } from "@kiln/formats";
import type { FetchSettings } from "./fetch-settings.js";

// Node's HTTP and TLS modules take tens of milliseconds to load: required when a download starts, not when Kiln does.
const nodeRequire = createRequire(import.meta.url);

/** Options of {@link downloadFile}. */
export interface DownloadOptions {
  readonly settings: FetchSettings;
  /** Called as bytes arrive with the running total and, if the server said, the size. */
  readonly onBytes?: (bytes: number, total: number | undefined) => void;
  /** Called with a line of text for the build log (`downloading '…'`, retries). */
  readonly onLog?: (line: string) => void;
  readonly signal?: AbortSignal;
  /** The size the file is known to have: a transfer announcing or sending more fails at once. */
  readonly maxBytes?: number;
}

/** As curl's limit for Nix (`CURLOPT_MAXREDIRS`). */
const MAX_REDIRECTS = 10;
const USER_AGENT = "kiln/0.1 (fetchurl)";

function abortError(url: string): FetchError {
  return new FetchError(`download of '${url}' was interrupted`, url);
}

/** One attempt at a URL, redirects followed. Resolves with the bytes written. */
function attempt(url: string, destination: string, options: DownloadOptions, redirects: number): Promise<number> {
  const parsed = new URL(url);
  if (parsed.protocol === "file:") return copyLocalFile(url, destination, options);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return Promise.reject(new FetchError(`cannot download '${url}': unsupported protocol '${parsed.protocol}' (Kiln fetches http, https and file URLs)`, url));
  }
  const { settings } = options;
  return new Promise<number>((resolve, reject) => {
    let settled = false;
    const finish = (error: FetchError | undefined, bytes = 0): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      if (error === undefined) resolve(bytes);
      else reject(error);
    };
    // A redirect hands the whole outcome to the attempt at the new URL.
    const follow = (next: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      attempt(next, destination, options, redirects + 1).then(resolve, reject);
    };
    const get = parsed.protocol === "https:" ? (nodeRequire("node:https") as typeof import("node:https")).get : (nodeRequire("node:http") as typeof import("node:http")).get;
    const request = get(
      parsed,
      {
        headers: { "user-agent": USER_AGENT, "accept-encoding": "identity" },
        ...(parsed.protocol === "https:" && settings.certificateAuthorities !== undefined ? { ca: [...settings.certificateAuthorities] } : {}),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location !== undefined) {
          response.resume();
          if (redirects >= MAX_REDIRECTS) return finish(new FetchError(`unable to download '${url}': more than ${MAX_REDIRECTS} redirects`, url));
          const next = redirectTarget(parsed, response.headers.location);
          if (next instanceof FetchError) return finish(next);
          options.onLog?.(`following redirect to '${next}'`);
          return follow(next);
        }
        if (status < 200 || status >= 300) {
          response.resume();
          const transient = status >= 500 || status === 408 || status === 429;
          return finish(new FetchError(`unable to download '${url}': HTTP error ${status}${response.statusMessage ? ` (${response.statusMessage})` : ""}`, url, transient));
        }
        receive(response, url, destination, options, (error, bytes) => finish(error, bytes), () => armTimer(settings.stallTimeoutMs, "received nothing for"));
      },
    );
    let timer: NodeJS.Timeout;
    const armTimer = (ms: number, what: string): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        request.destroy();
        // Whole seconds, unless the timeout is shorter than one (KILN_FETCH_TIMEOUT=0.5).
        const seconds = ms >= 1000 ? Math.round(ms / 1000) : ms / 1000;
        finish(new FetchError(`unable to download '${url}': ${what} ${seconds} s (timeout)`, url, true));
      }, ms);
    };
    armTimer(settings.connectTimeoutMs, "no answer within");
    const onAbort = (): void => {
      request.destroy();
      finish(abortError(url));
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    request.on("error", (error) => finish(new FetchError(`unable to download '${url}': ${error.message}`, url, true)));
  });
}

/**
 * Where a redirect from `from` to `location` leads, or why it is refused:
 * http may go to http or https, https only to https (curl's rule for Nix's
 * downloads), and nothing goes to `file:` or any other scheme.
 */
function redirectTarget(from: URL, location: string): string | FetchError {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    return new FetchError(`unable to download '${from.href}': the server redirected to '${location}', which is not a URL`, from.href);
  }
  const allowed = from.protocol === "https:" ? ["https:"] : ["http:", "https:"];
  if (!allowed.includes(next.protocol)) {
    const schemes = allowed.map((scheme) => scheme.slice(0, -1)).join(" or ");
    return new FetchError(`unable to download '${from.href}': refusing the redirect to '${next.href}' (a redirect from ${from.protocol.slice(0, -1)} may only go to ${schemes})`, from.href);
  }
  return next.href;
}

/** Streams a response body into `destination`; `onData` re-arms the stall timer. */
function receive(
  response: IncomingMessage,
  url: string,
  destination: string,
  options: DownloadOptions,
  done: (error: FetchError | undefined, bytes: number) => void,
  onData: () => void,
): void {
  const lengthHeader = response.headers["content-length"];
  const total = lengthHeader !== undefined ? Number(lengthHeader) : undefined;
  const { maxBytes } = options;
  if (maxBytes !== undefined && total !== undefined && total > maxBytes) {
    // Settled first: destroying the response reports a closed connection too.
    done(tooLarge(url, `the server announces ${total} bytes`, maxBytes), 0);
    response.destroy();
    return;
  }
  const file = createWriteStream(destination);
  let bytes = 0;
  let lastReport = 0;
  onData();
  response.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    if (maxBytes !== undefined && bytes > maxBytes) {
      done(tooLarge(url, `more than ${maxBytes} bytes arrived`, maxBytes), bytes);
      response.destroy();
      file.destroy();
      return;
    }
    onData();
    const now = Date.now();
    if (now - lastReport >= 100) {
      lastReport = now;
      options.onBytes?.(bytes, total);
    }
  });
  response.on("error", (error) => {
    file.destroy();
    done(new FetchError(`unable to download '${url}': ${error.message}`, url, true), bytes);
  });
  response.on("aborted", () => {
    file.destroy();
    done(new FetchError(`unable to download '${url}': the connection was closed after ${bytes} bytes`, url, true), bytes);
  });
  response.pipe(file);
  file.on("error", (error) => done(new FetchError(`cannot write the download of '${url}' to '${destination}': ${error.message}`, url), bytes));
  file.on("finish", () => {
    if (total !== undefined && Number.isFinite(total) && bytes !== total) {
      done(new FetchError(`unable to download '${url}': received ${bytes} of ${total} bytes`, url, true), bytes);
      return;
    }
    options.onBytes?.(bytes, total);
    done(undefined, bytes);
  });
}

function tooLarge(url: string, what: string, maxBytes: number): FetchError {
  return new FetchError(`unable to download '${url}': ${what}, but the file is expected to be ${maxBytes} bytes at most`, url);
}

function copyLocalFile(url: string, destination: string, options: DownloadOptions): Promise<number> {
  let source: string;
  try {
    source = fileURLToPath(url);
  } catch (error) {
    return Promise.reject(new FetchError(`bad file URL '${url}': ${(error as Error).message}`, url));
  }
  return new Promise((resolve, reject) => {
    let total: number;
    try {
      total = statSync(source).size;
    } catch (error) {
      reject(new FetchError(`unable to download '${url}': ${(error as Error).message}`, url));
      return;
    }
    if (options.maxBytes !== undefined && total > options.maxBytes) {
      reject(tooLarge(url, `the file is ${total} bytes`, options.maxBytes));
      return;
    }
    const input = createReadStream(source);
    const output = createWriteStream(destination);
    let bytes = 0;
    input.on("data", (chunk) => {
      bytes += chunk.length;
      options.onBytes?.(bytes, total);
    });
    input.on("error", (error) => {
      output.destroy();
      reject(new FetchError(`unable to download '${url}': ${error.message}`, url));
    });
    output.on("error", (error) => reject(new FetchError(`cannot write '${destination}': ${error.message}`, url)));
    output.on("finish", () => resolve(bytes));
    input.pipe(output);
  });
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Downloads `url` into `destination` (a file that must not exist), trying up
 * to `settings.attempts` times while failures are transient. Resolves with
 * the number of bytes.
 */
export async function downloadFile(url: string, destination: string, options: DownloadOptions): Promise<number> {
  const { settings } = options;
  for (let attemptNumber = 1; ; attemptNumber++) {
    if (isAborted(options.signal)) throw abortError(url);
    try {
      options.onLog?.(`downloading '${url}'${attemptNumber > 1 ? ` (attempt ${attemptNumber} of ${settings.attempts})` : ""}`);
      return await attempt(url, destination, options, 0);
    } catch (error) {
      rmSync(destination, { force: true });
      if (!(error instanceof FetchError) || !error.transient || attemptNumber >= settings.attempts || isAborted(options.signal)) throw error;
      // Backoff as Nix does: the base delay doubled per attempt, with up to 100% jitter.
      const delay = settings.retryDelayMs * 2 ** (attemptNumber - 1) * (1 + Math.random());
      options.onLog?.(`warning: ${error.message}; retrying in ${Math.round(delay)} ms`);
      await pause(delay, options.signal);
    }
  }
}

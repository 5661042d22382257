/**
 * downloadFile against loopback servers: which redirects are followed (as
 * curl follows them for Nix: http to http(s), https to https only, never to
 * a local file, at most 10), and downloads bounded by their expected size.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FetchError } from "@kiln/formats";
import { downloadFile, fetchSettingsFromEnvironment, type DownloadOptions } from "../../src/index.js";
import { redirect, serve, startLoopbackServer, TEST_CERTIFICATE, type LoopbackServer } from "./loopback-server.js";

const CONTENT = "downloaded contents\n";

let plain: LoopbackServer;
let secure: LoopbackServer;
let root: string;
let secret: string;
beforeAll(async () => {
  plain = await startLoopbackServer();
  secure = await startLoopbackServer({ https: true });
  plain.route("/file", serve(CONTENT));
  secure.route("/file", serve(CONTENT));
});
afterAll(async () => {
  await plain.close();
  await secure.close();
});
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-download-"));
  secret = join(root, "secret");
  writeFileSync(secret, "a local secret\n", { mode: 0o600 });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Fast settings trusting the test certificate; several attempts, to show that refusals are not retried. */
function options(extra: Partial<DownloadOptions> = {}): DownloadOptions {
  const settings = fetchSettingsFromEnvironment({ NIX_SSL_CERT_FILE: TEST_CERTIFICATE }, { stallTimeoutMs: 2000, connectTimeoutMs: 2000, retryDelayMs: 10, attempts: 3 });
  return { settings, ...extra };
}

async function failure(url: string, extra: Partial<DownloadOptions> = {}): Promise<FetchError> {
  const destination = join(root, "out");
  const error = await downloadFile(url, destination, options(extra)).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(FetchError);
  expect(existsSync(destination)).toBe(false);
  return error as FetchError;
}

describe("redirects", () => {
  it("refuses a redirect from http to a local file, reading nothing of it and not retrying", async () => {
    plain.route("/to-file", redirect(`file://${secret}`));
    const error = await failure(`${plain.url}/to-file`);
    expect(error.message).toBe(`unable to download '${plain.url}/to-file': refusing the redirect to 'file://${secret}' (a redirect from http may only go to http or https)`);
    expect(plain.requests.filter((path) => path === "/to-file")).toHaveLength(1);
  });

  it("refuses a redirect from https to a local file", async () => {
    secure.route("/to-file", redirect(`file://${secret}`, 301));
    const error = await failure(`${secure.url}/to-file`);
    expect(error.message).toContain(`refusing the redirect to 'file://${secret}' (a redirect from https may only go to https)`);
  });

  it("refuses a redirect from https down to http", async () => {
    secure.route("/downgrade", redirect(`${plain.url}/file`));
    const error = await failure(`${secure.url}/downgrade`);
    expect(error.message).toBe(`unable to download '${secure.url}/downgrade': refusing the redirect to '${plain.url}/file' (a redirect from https may only go to https)`);
    expect(plain.requests).not.toContain("/file");
  });

  it("refuses schemes other than http and https (ftp, data)", async () => {
    plain.route("/to-ftp", redirect("ftp://127.0.0.1/x"));
    plain.route("/to-data", redirect("data:text/plain,hello"));
    expect((await failure(`${plain.url}/to-ftp`)).message).toContain("refusing the redirect to 'ftp://127.0.0.1/x'");
    expect((await failure(`${plain.url}/to-data`)).message).toContain("refusing the redirect to 'data:text/plain,hello'");
  });

  it("follows http to https, and https to https", async () => {
    plain.route("/upgrade", redirect(`${secure.url}/hop`));
    secure.route("/hop", redirect("/file", 307));
    const destination = join(root, "out");
    await downloadFile(`${plain.url}/upgrade`, destination, options());
    expect(readFileSync(destination, "utf8")).toBe(CONTENT);
  });

  it("follows 10 redirects but not 11", async () => {
    for (let hop = 0; hop < 11; hop++) plain.route(`/hop/${hop}`, redirect(`/hop/${hop + 1}`));
    plain.route("/hop/11", serve(CONTENT));
    const destination = join(root, "out");
    await downloadFile(`${plain.url}/hop/1`, destination, options());
    expect(readFileSync(destination, "utf8")).toBe(CONTENT);
    const error = await failure(`${plain.url}/hop/0`);
    expect(error.message).toBe(`unable to download '${plain.url}/hop/10': more than 10 redirects`);
  });
});

describe("expected size", () => {
  it("stops a transfer without Content-Length as soon as it exceeds the expected size", async () => {
    let sent = 0;
    plain.route("/endless", (_request, response) => {
      response.writeHead(200, { "content-type": "application/octet-stream" });
      const chunk = Buffer.alloc(1 << 16, 0x61);
      const more = (): void => {
        // Ends after 64 MiB at most, so that a failing test still finishes.
        while (sent < 1 << 26 && response.write(chunk)) sent += chunk.length;
        if (sent >= 1 << 26) response.end();
      };
      response.on("drain", more);
      more();
    });
    const error = await failure(`${plain.url}/endless`, { maxBytes: 100_000 });
    expect(error.message).toBe(`unable to download '${plain.url}/endless': more than 100000 bytes arrived, but the file is expected to be 100000 bytes at most`);
    expect(sent).toBeLessThan(1 << 26);
  });

  it("refuses a transfer whose Content-Length is larger than expected before reading it", async () => {
    plain.route("/big", serve(Buffer.alloc(5000)));
    const error = await failure(`${plain.url}/big`, { maxBytes: 4999 });
    expect(error.message).toBe(`unable to download '${plain.url}/big': the server announces 5000 bytes, but the file is expected to be 4999 bytes at most`);
  });

  it("refuses a local file larger than expected, and takes one of exactly the size", async () => {
    const error = await failure(`file://${secret}`, { maxBytes: 3 });
    expect(error.message).toContain("the file is 15 bytes, but the file is expected to be 3 bytes at most");
    const destination = join(root, "out");
    await downloadFile(`${plain.url}/file`, destination, options({ maxBytes: CONTENT.length }));
    expect(readFileSync(destination, "utf8")).toBe(CONTENT);
  });
});

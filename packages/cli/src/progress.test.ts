/**
 * The progress display counts downloads as well as builds: on a terminal
 * the status line says how many of the plan's fetches are done and how many
 * bytes arrived; off one, each finished download is a line with its size.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { ProgressRenderer } from "./progress.js";

function capture(): { io: { stdout: PassThrough; stderr: PassThrough & { columns: number } }; text: () => string } {
  const stderr = Object.assign(new PassThrough(), { columns: 200 });
  const chunks: Buffer[] = [];
  stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
  return { io: { stdout: new PassThrough(), stderr }, text: () => Buffer.concat(chunks).toString() };
}

const DEB = "/store/aaaa-htop_3.2.2-2_amd64.deb.drv";
const INDEX = "/store/bbbb-Packages.xz.drv";
const UNPACK = "/store/cccc-htop-deb.drv";

describe("the progress display", () => {
  it("shows downloads done of the plan's and bytes fetched on the status line", () => {
    const { io, text } = capture();
    const renderer = new ProgressRenderer(io, { json: false, printBuildLogs: false, live: true });
    renderer.onEvent({ type: "plan", plan: { toBuild: [DEB, INDEX, UNPACK], toFetch: [DEB, INDEX], valid: [] } });
    renderer.onEvent({ type: "bytes-fetched", drvPath: INDEX, bytes: 3 << 20, total: 9 << 20 });
    renderer.onEvent({ type: "bytes-fetched", drvPath: DEB, bytes: 1 << 20 });
    renderer.onEvent({ type: "build-finished", drvPath: DEB, name: "htop_3.2.2-2_amd64.deb", outputs: {} });
    renderer.onEvent({ type: "progress", done: 1, total: 3, running: ["Packages.xz"], failed: 0 });
    expect(text().split("\r\x1b[K").at(-1)).toBe("[1/3 built, 1/2 downloaded, 4.0 MiB fetched] building Packages.xz");
    renderer.finish();
  });

  it("off a terminal, prints each finished download with its size", () => {
    const { io, text } = capture();
    const renderer = new ProgressRenderer(io, { json: false, printBuildLogs: false, live: false });
    renderer.onEvent({ type: "plan", plan: { toBuild: [DEB, UNPACK], toFetch: [DEB], valid: [] } });
    renderer.onEvent({ type: "bytes-fetched", drvPath: DEB, bytes: 1536 });
    renderer.onEvent({ type: "build-finished", drvPath: DEB, name: "htop_3.2.2-2_amd64.deb", outputs: {} });
    renderer.onEvent({ type: "build-finished", drvPath: UNPACK, name: "htop-3.2.2-2-deb", outputs: {} });
    expect(text()).toContain("fetched 'htop_3.2.2-2_amd64.deb' (1.5 KiB)\n");
    expect(text()).toContain("built 'htop-3.2.2-2-deb'\n");
  });
});

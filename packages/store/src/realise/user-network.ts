/**
 * A fixed-output build's own network: slirp4netns, a user-space TCP/IP stack,
 * plugged into the build's private network namespace, as Nix now gives its
 * fixed-output builds one (pasta) so that they share no abstract Unix
 * sockets with each other or with the host (CVE-2024-27297). The host's
 * loopback is unreachable from it. bwrap reports the sandbox's PID on its
 * info descriptor and holds the builder back on its block descriptor until
 * the network is up. As root, slirp4netns enters the network namespace
 * directly; unprivileged, through the sandbox's user namespace (which the
 * user owns). It parses the builder's packets, so it runs under a seccomp
 * filter (`--enable-seccomp`) and, as root, in a sandbox of its own (`--enable-sandbox`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { Readable, Writable } from "node:stream";
import { SANDBOX_BLOCK_FD, SANDBOX_INFO_FD } from "./sandbox.js";

/** A running user-space network; `stop()` ends it (also when the sandbox is gone). */
export interface UserNetwork {
  stop(): void;
}

/**
 * Waits for bwrap (`sandbox`, spawned with pipes at the info and block
 * descriptors) to report its PID, starts slirp4netns on the sandbox's network
 * namespace and, once it is ready, lets the builder run. Rejects with what
 * went wrong when the network cannot be set up.
 */
export function attachUserNetwork(sandbox: ChildProcess, slirp4netns: string): Promise<UserNetwork> {
  const info = sandbox.stdio[SANDBOX_INFO_FD] as Readable | undefined;
  const block = sandbox.stdio[SANDBOX_BLOCK_FD] as Writable | undefined;
  if (info === undefined || block === undefined) return Promise.reject(new Error("the sandbox was started without its info and block descriptors"));
  return new Promise((resolve, reject) => {
    let text = "";
    let started = false;
    const onInfo = (chunk: Buffer): void => {
      text += chunk.toString();
      let pid: unknown;
      try {
        pid = (JSON.parse(text) as { "child-pid"?: unknown })["child-pid"];
      } catch {
        return; // Not all of it yet.
      }
      info.off("data", onInfo);
      if (typeof pid !== "number") {
        reject(new Error(`bwrap reported no sandbox PID: ${text}`));
        return;
      }
      started = true;
      void loopbackReady(pid).then(() => start(pid));
    };
    const start = (pid: number): void => {
      // Its own sandbox needs root inside the user namespace it enters: only as root (the case it matters most) is it used.
      const target = process.getuid?.() === 0 ? ["--enable-sandbox", "--netns-type=path", `/proc/${pid}/ns/net`] : [`--userns-path=/proc/${pid}/ns/user`, String(pid)];
      const slirp: ChildProcess = spawn(slirp4netns, ["--configure", "--mtu=65520", "--disable-host-loopback", "--enable-seccomp", "--ready-fd=3", "--exit-fd=4", ...target, "tap0"], {
        stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"],
      });
      let stderr = "";
      let ready = false;
      slirp.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const exitPipe = slirp.stdio[4] as Writable;
      exitPipe.on("error", () => {});
      block.on("error", () => {});
      const stop = (): void => {
        exitPipe.destroy();
        if (slirp.exitCode === null && slirp.signalCode === null) slirp.kill("SIGKILL");
      };
      sandbox.once("exit", stop);
      (slirp.stdio[3] as Readable).once("data", () => {
        ready = true;
        block.end("x");
        resolve({ stop });
      });
      slirp.once("error", (error) => {
        if (!ready) reject(new Error(`cannot run ${slirp4netns}: ${error.message}`));
      });
      slirp.once("exit", (code, signal) => {
        if (!ready) reject(new Error(`slirp4netns failed (${signal ?? `exit code ${code}`}): ${stderr.trim()}`));
      });
    };
    info.on("data", onInfo);
    info.on("error", () => {});
    sandbox.once("exit", () => {
      if (!started) reject(new Error(`the sandbox exited before its network was set up${text === "" ? "" : `: ${text}`}`));
    });
  });
}

/**
 * Waits (up to 5 s) until bwrap has given the sandbox its loopback address:
 * it fails if slirp4netns brought `lo` up first.
 */
async function loopbackReady(pid: number): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    try {
      if (readFileSync(`/proc/${pid}/net/fib_trie`, "utf8").includes("127.0.0.1")) return;
    } catch {
      return; // The sandbox is gone; its exit is reported elsewhere.
    }
    await sleep(10);
  }
}

import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { derivation, hashString, placeholder, toFile, unsafeDiscardStringContext, type Derivation } from "@kiln/formats";
import { HOST_TOOL_SANDBOX_PATHS, collectGarbage, findBubblewrap, verifyStore } from "../../src/index.js";
import { COPIED_INPUT_LIMIT } from "../../src/realise/sandbox-inputs.js";
import { temporaryStore, type TemporaryStore } from "./temporary-store.js";

const system = "x86_64-linux";
let t: TemporaryStore;
beforeEach(() => {
  t = temporaryStore();
});
afterEach(() => t.dispose());

/** A derivation running a shell script. */
function sh(name: string, script: string, env: Record<string, string> = {}): Derivation {
  return derivation({ name, system, builder: "/bin/sh", args: ["-c", script], PATH: "/usr/bin:/bin", ...env });
}

describe("the local realiser", () => {
  it("builds a diamond in dependency order, two builds at once, and records references", async () => {
    const base = sh("base", 'echo base > "$out"');
    // Each middle node writes its start and end times into its output, to show they overlapped.
    const left = sh("left", `start=$(date +%s%N); sleep 0.6; { cat ${base}; echo ${base}; echo "$start $(date +%s%N)"; } > "$out"`);
    const right = sh("right", `start=$(date +%s%N); sleep 0.6; { cat ${base}; echo "$start $(date +%s%N)"; } > "$out"`);
    const top = sh("top", `cat ${left} ${right} > "$out"`);
    const result = await t.realise([top], { jobs: 2 });
    expect(result.failed).toEqual([]);
    expect(result.built).toHaveLength(4);
    expect(result.built.indexOf(base.drvPath)).toBe(0);
    expect(result.built.at(-1)).toBe(top.drvPath);
    const times = (d: Derivation): number[] => (readFileSync(d.outPath, "utf8").trim().split("\n").at(-1) ?? "").split(" ").map(Number);
    const [leftStart = 0, leftEnd = 0] = times(left);
    const [rightStart = 0, rightEnd = 0] = times(right);
    expect(leftStart < rightEnd && rightStart < leftEnd).toBe(true);
    // left mentions base's path, right only copies its contents.
    expect(t.store.pathInfo(left.outPath)?.references).toEqual([base.outPath]);
    expect(t.store.pathInfo(right.outPath)?.references).toEqual([]);
    expect(t.store.pathInfo(top.outPath)?.deriver).toBe(top.drvPath);
    // Outputs are canonical: read-only, mtime 1.
    expect(statSync(top.outPath).mode & 0o777).toBe(0o444);
    expect(statSync(top.outPath).mtimeMs).toBe(1000);
  });

  it("records references to indirect inputs, and none to unrelated paths", async () => {
    const base = sh("ref-base", 'echo base > "$out"');
    const mid = sh("ref-mid", `echo ${base} > "$out"`);
    const unrelated = sh("ref-unrelated", 'echo unrelated > "$out"');
    await t.realise([unrelated]);
    // top copies mid's text (which names base) and also names a valid path it does not depend on.
    const top = sh("ref-top", `cat ${mid} > "$out"; echo ${unsafeDiscardStringContext(unrelated.outPath)} >> "$out"`);
    await t.realise([top]);
    expect(t.store.pathInfo(top.outPath)?.references).toEqual([base.outPath]);
  });

  it("skips what is already built", async () => {
    const d = sh("cached", 'echo once > "$out"');
    expect((await t.realise([d])).built).toEqual([d.drvPath]);
    const again = await t.realise([d]);
    expect(again.built).toEqual([]);
    expect(again.outputs.get(d.drvPath)).toEqual({ out: d.outPath });
  });

  it("replaces output placeholders with the output paths in the environment, arguments, passAsFile and structured attributes", async () => {
    const out = placeholder("out");
    const dev = placeholder("dev");
    const plain = derivation({
      name: "placeholders",
      system: "x86_64-linux",
      builder: "/bin/sh",
      outputs: ["out", "dev"],
      args: ["-c", `mkdir -p ${out} ${dev}; echo "$flags" > ${out}/flags; cat "$notePath" > ${out}/note; echo ${dev} > ${dev}/self`],
      flags: `PREFIX=${out} INCLUDE=${dev}/include`,
      note: `in ${out}`,
      passAsFile: ["note"],
      PATH: "/usr/bin:/bin",
    });
    const structured = derivation({
      name: "placeholders-json",
      system: "x86_64-linux",
      builder: "/bin/bash",
      args: ["-c", '. "$NIX_ATTRS_SH_FILE"; mkdir -p "${outputs[out]}"; echo "$prefix" > "${outputs[out]}/prefix"'],
      __structuredAttrs: true,
      prefix: out,
      PATH: "/usr/bin:/bin",
    });
    const result = await t.realise([plain, structured]);
    expect(result.failed).toEqual([]);
    const outPath = plain.outputs.out.path;
    const devPath = plain.outputs.dev.path;
    expect(readFileSync(`${outPath}/flags`, "utf8")).toBe(`PREFIX=${outPath} INCLUDE=${devPath}/include\n`);
    expect(readFileSync(`${outPath}/note`, "utf8")).toBe(`in ${outPath}`);
    expect(readFileSync(`${devPath}/self`, "utf8")).toBe(`${devPath}\n`);
    expect(readFileSync(`${structured.outputs.out.path}/prefix`, "utf8")).toBe(`${structured.outputs.out.path}\n`);
  });

  it("runs the builder with Nix's environment", async () => {
    const d = derivation({
      name: "env",
      system,
      builder: "/bin/sh",
      args: ["-c", 'for v in PATH HOME NIX_STORE NIX_BUILD_TOP TMPDIR TERM NIX_LOG_FD out greeting; do eval "echo $v=\\$$v"; done > "$out"; echo "pwd=$PWD" >> "$out"; read -r line < "$bigPath"; echo "$line" >> "$out"'],
      greeting: "hello",
      big: "passed as a file",
      passAsFile: ["big"],
    });
    await t.realise([d]);
    const lines = readFileSync(d.outPath, "utf8").split("\n");
    expect(lines).toContain("PATH=/path-not-set");
    expect(lines).toContain("HOME=/homeless-shelter");
    expect(lines).toContain(`NIX_STORE=${t.store.storeDir}`);
    expect(lines).toContain(`out=${d.outPath}`);
    expect(lines).toContain("greeting=hello");
    expect(lines).toContain("TERM=xterm-256color");
    expect(lines).toContain("NIX_LOG_FD=2");
    expect(lines).toContain("passed as a file");
    const top = lines.find((line) => line.startsWith("NIX_BUILD_TOP="))?.slice("NIX_BUILD_TOP=".length);
    expect(lines).toContain(`TMPDIR=${top}`);
    expect(lines).toContain(`pwd=${top}`);
  });

  it("gives structured attributes as .attrs.json and .attrs.sh", async () => {
    const d = derivation({
      name: "structured",
      system,
      builder: "/bin/bash",
      args: ["-c", '. "$NIX_ATTRS_SH_FILE"; { cat "$NIX_ATTRS_JSON_FILE"; echo; echo "flag=$flag name=$name"; } > "$out"'],
      __structuredAttrs: true,
      PATH: "/usr/bin:/bin",
      flag: "on",
      nested: { list: [1, 2] },
    });
    expect((await t.realise([d])).failed).toEqual([]);
    const [json = "", shell = ""] = readFileSync(d.outPath, "utf8").split("\n");
    expect(JSON.parse(json)).toMatchObject({ flag: "on", nested: { list: [1, 2] }, outputs: { out: d.outPath } });
    expect(shell).toBe("flag=on name=structured");
  });

  it("a failing builder gives its name, the last log lines and the log's path", async () => {
    const d = sh("fails", 'for i in $(seq 1 30); do echo "line $i"; done; exit 3');
    const result = await t.realise([d]);
    expect(result.failed).toHaveLength(1);
    const message = result.failed[0]?.message ?? "";
    expect(message).toContain(`builder for '${d.drvPath}' failed with exit code 3`);
    expect(message).toContain("> line 30");
    expect(message).toContain("> line 6\n");
    expect(message).not.toContain("> line 5\n");
    expect(message).toContain(t.store.logPath(d.drvPath));
    expect(readFileSync(t.store.logPath(d.drvPath), "utf8")).toContain("line 1\n");
    expect(t.store.isValid(d.outPath)).toBe(false);
    expect(existsSync(d.outPath)).toBe(false);
  });

  it("the timeout and maxSilentTime realise options kill a build and fail it with Nix's messages", async () => {
    const slow = sh("slow", 'echo working; sleep 30; echo > "$out"');
    const timedOut = await t.realise([slow], { timeout: 1 });
    expect(timedOut.failed.map((failure) => failure.message)).toEqual([`building of '${slow.drvPath}' timed out after 1 seconds`]);
    const silent = await t.realise([slow], { maxSilentTime: 1 });
    expect(silent.failed.map((failure) => failure.message)).toEqual([`building of '${slow.drvPath}' timed out after 1 seconds of silence`]);
    expect(t.store.isValid(slow.outPath)).toBe(false);
    expect(readFileSync(t.store.logPath(slow.drvPath), "utf8")).toBe("working\n");
  });

  it("a builder that makes no output is an error", async () => {
    const d = sh("lazy", "true");
    const result = await t.realise([d]);
    expect(result.failed[0]?.message).toContain(`failed to produce output path for output 'out' at '${d.outPath}'`);
  });

  it("with keepGoing, independent builds go on and dependents are skipped", async () => {
    const bad = sh("bad", "exit 1");
    const good = sh("good", 'echo ok > "$out"');
    const dependent = sh("dependent", `cat ${bad} > "$out"`);
    const result = await t.realise([dependent, good], { keepGoing: true, jobs: 1 });
    expect(result.built).toEqual([good.drvPath]);
    expect(result.failed.map((failure) => failure.name).sort()).toEqual(["bad", "dependent"]);
    expect(result.failed.find((failure) => failure.name === "dependent")?.message).toBe(`dependency '${bad.drvPath}' failed`);
  });

  it("without keepGoing, the first failure stops the rest", async () => {
    const bad = sh("bad2", "exit 1");
    const later = sh("later", `cat ${bad} > "$out"`);
    const other = sh("other", 'sleep 0.2; echo > "$out"');
    const result = await t.realise([later, other], { jobs: 1 });
    expect(result.failed.map((failure) => failure.name)).toContain("bad2");
    expect(t.store.isValid(later.outPath)).toBe(false);
  });

  it("checks fixed-output hashes and keeps nothing on a mismatch", async () => {
    const content = "fixed content\n";
    const right = derivation({ name: "fixed", system, builder: "/bin/sh", args: ["-c", `printf '${content.replace("\n", "\\n")}' > "$out"`], outputHash: hashString("sha256", content).toSri() });
    const result = await t.realise([right]);
    expect(result.failed).toEqual([]);
    expect(t.store.pathInfo(right.outPath)?.ca).toBe(`fixed:sha256:${hashString("sha256", content).toNixBase32()}`);
    const wrong = derivation({ name: "fixed-wrong", system, builder: "/bin/sh", args: ["-c", 'echo other > "$out"'], outputHash: hashString("sha256", content).toSri() });
    const failed = await t.realise([wrong]);
    expect(failed.failed[0]?.message).toBe(
      `hash mismatch in fixed-output derivation '${wrong.drvPath}':\n  specified: ${hashString("sha256", content).toSri()}\n       got: ${hashString("sha256", "other\n").toSri()}`,
    );
    expect(existsSync(wrong.outPath)).toBe(false);
    expect(t.store.isValid(wrong.outPath)).toBe(false);
  });

  it("gc keeps what roots need and deletes the rest", async () => {
    const text = toFile("input.txt", "input");
    const kept = sh("kept", `cat ${text} > "$out"; echo ${text} >> "$out"`);
    const dropped = sh("dropped", 'echo bye > "$out"');
    await t.realise([kept, dropped]);
    const link = `${t.root}/result`;
    t.store.addRootLink(link, kept.outPath);
    const dry = collectGarbage(t.store, { dryRun: true });
    expect(dry.deleted).toContain(dropped.outPath);
    expect(existsSync(dropped.outPath)).toBe(true);
    const result = collectGarbage(t.store);
    expect(result.deleted).toContain(dropped.outPath);
    expect(result.deleted).toContain(dropped.drvPath);
    expect(existsSync(dropped.outPath)).toBe(false);
    // The root's closure (its reference to the text) and its deriver stay.
    for (const path of [kept.outPath, text, kept.drvPath]) {
      expect(t.store.isValid(path), path).toBe(true);
      expect(existsSync(path), path).toBe(true);
    }
    // A root whose link is removed no longer protects anything.
    writeFileSync(`${t.root}/unrelated`, "");
    t.store.addRootLink(link, dropped.outPath.replace(/-dropped$/, "-nothing"));
    expect(collectGarbage(t.store).deleted).toContain(kept.outPath);
  });

  it("store verify finds a tampered file", async () => {
    const d = sh("tamper", 'echo original > "$out"');
    await t.realise([d]);
    expect(verifyStore(t.store, { checkContents: true }).problems).toEqual([]);
    const { chmodSync } = await import("node:fs");
    chmodSync(d.outPath, 0o644);
    writeFileSync(d.outPath, "changed\n");
    const problems = verifyStore(t.store, { checkContents: true }).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(new RegExp(`^path '${d.outPath}' was modified! expected hash 'sha256:[0-9a-f]{64}', got 'sha256:[0-9a-f]{64}'$`));
  });
});

describe.skipIf(findBubblewrap() === undefined)("the sandbox", () => {
  it("denies network and writes outside the outputs", async () => {
    const { createServer } = await import("node:net");
    const server = createServer((socket) => socket.end("reachable\n"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const input = toFile("sandbox-input", "x");
      const probe = sh(
        "probe",
        "{ " +
        [
          `if (exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/dev/null; then echo network=open; else echo network=closed; fi`,
          `if echo x > ${input} 2>/dev/null; then echo input=writable; else echo input=readonly; fi`,
          'if echo x > /usr/kiln-escape 2>/dev/null; then echo host=writable; else echo host=readonly; fi',
          `if [ -e ${t.root}/state ]; then echo state=visible; else echo state=hidden; fi`,
          'echo build=$(touch "$NIX_BUILD_TOP/ok" && echo writable)',
        ].join("; ") +
          '; } > "$out.tmp"; mv "$out.tmp" "$out"',
        { input },
      );
      // bash has /dev/tcp; the probe runs under it.
      const bashProbe = derivation({ name: "probe", system, builder: "/bin/bash", args: ["-c", probe.drv.args[1] ?? ""], input, PATH: "/usr/bin:/bin" });
      // The probes use the host's bash and coreutils: the sandbox shows them only when asked to.
      const result = await t.realise([bashProbe], { sandbox: true, sandboxPaths: HOST_TOOL_SANDBOX_PATHS });
      expect(result.failed).toEqual([]);
      expect(readFileSync(bashProbe.outPath, "utf8").trim().split("\n")).toEqual(["network=closed", "input=readonly", "host=readonly", "state=hidden", "build=writable"]);
      expect(existsSync("/usr/kiln-escape")).toBe(false);
    } finally {
      server.close();
    }
  });

  it.skipIf(findBubblewrap() === undefined)("gives a sandboxed build all its inputs, copied or mounted, as the store has them: small and large files, executables, symlinks and directories, read-only with mtime 1", async () => {
    const small = sh("small", 'echo small > "$out"');
    const large = sh("large", `head -c ${COPIED_INPUT_LIMIT + 1} /dev/zero > "$out"`);
    const tool = sh("tool", 'printf "#!/bin/sh\\necho ran\\n" > "$out"; chmod +x "$out"');
    const link = sh("link", `ln -s ${small} "$out"`);
    const tree = sh("tree", 'mkdir -p "$out/a"; echo deep > "$out/a/b"');
    const probe = sh(
      "probe",
      "{ " +
      [
        `cat ${small}`,
        `wc -c < ${large}`,
        `${tool}`,
        `readlink ${link}`,
        `cat ${link}`,
        `cat ${tree}/a/b`,
        `stat -c '%a %Y' ${small} ${tool} ${large}`,
        `if echo x > ${small} 2>/dev/null || chmod u+w ${small} 2>/dev/null; then echo small=writable; else echo small=readonly; fi`,
      ].join("; ") + '; } > "$out.tmp"; mv "$out.tmp" "$out"',
      { inputs: `${small} ${large} ${tool} ${link} ${tree}` },
    );
    const result = await t.realise([probe], { sandbox: true, sandboxPaths: HOST_TOOL_SANDBOX_PATHS });
    expect(result.failed).toEqual([]);
    expect(readFileSync(probe.outPath, "utf8").trim().split("\n")).toEqual([
      "small",
      String(COPIED_INPUT_LIMIT + 1),
      "ran",
      small.outPath,
      "small",
      "deep",
      "444 1",
      "555 1",
      "444 1",
      "small=readonly",
    ]);
    expect(readFileSync(small.outPath, "utf8")).toBe("small\n");
  });
});

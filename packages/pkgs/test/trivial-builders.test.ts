import { execFileSync } from "node:child_process";
import { lstatSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePkgs, type PackageSet } from "../src/index.js";
import { temporaryStore, type TemporaryStore } from "./temporary-store.js";

let t: TemporaryStore;
let pkgs: PackageSet;
beforeAll(() => {
  t = temporaryStore();
  // The host toolchain: these test the setup script's phases and hooks; hermetic-stdenv.test.ts builds with the Debian one.
  pkgs = makePkgs({ toolchain: "host" });
});
afterAll(() => t.dispose());

const run = (program: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env): string => execFileSync(program, args, { encoding: "utf8", env });

/** A package with one program `bin/${name}` printing `text`. */
const tool = (name: string, text: string) => pkgs.writeShellScriptBin(name, `echo ${JSON.stringify(text)}`);

describe("trivial builders", () => {
  it("writeText, writeTextFile with a destination, and runCommand", async () => {
    const text = pkgs.writeText("note.txt", "a note\n");
    const script = pkgs.writeTextFile({ name: "hello-script", text: "#!/bin/sh\necho hello\n", executable: true, destination: "/bin/hello" });
    const command = pkgs.runCommand("listing", { buildInputs: [script], NOTE: text }, 'mkdir -p "$out"; hello > "$out/said"; cat "$NOTE" > "$out/note"');
    await t.build(text, script, command);
    expect(readFileSync(text.outPath, "utf8")).toBe("a note\n");
    expect(statSync(`${script}/bin/hello`).mode & 0o111).not.toBe(0);
    expect(readFileSync(`${command}/said`, "utf8")).toBe("hello\n");
    expect(readFileSync(`${command}/note`, "utf8")).toBe("a note\n");
    // runCommand does not need a compiler: it uses stdenvNoCC.
    expect(command.stdenv.hasCC).toBe(false);
    expect(pkgs.runCommandCC("cc", {}, "touch $out").stdenv.hasCC).toBe(true);
  });

  it("writeShellApplication runs with its runtimeInputs on PATH and strict bash options", async () => {
    const greeterTool = tool("greeter-tool", "greetings");
    const app = pkgs.writeShellApplication({
      name: "app",
      runtimeInputs: [greeterTool],
      runtimeEnv: { MOOD: "cheerful" },
      text: 'echo "$(greeter-tool) in a $MOOD mood"\necho "${UNSET_VARIABLE:-unset is caught only without a default}"',
    });
    await t.build(app);
    expect(app.meta.mainProgram).toBe("app");
    // PATH without the tool: the script finds it by itself.
    const output = run(`${app}/bin/app`, [], { PATH: "/usr/bin:/bin" });
    expect(output).toBe("greetings in a cheerful mood\nunset is caught only without a default\n");
    const script = readFileSync(`${app}/bin/app`, "utf8");
    expect(script.startsWith("#!/bin/bash\nset -o errexit\nset -o nounset\nset -o pipefail\n")).toBe(true);
    expect(t.store.pathInfo(app.outPath)?.references).toContain(greeterTool.outPath);
  });

  it("bash -n fails a script with a syntax error, and the build log says why", async () => {
    const broken = pkgs.writeShellApplication({ name: "broken", text: 'if true; then\n  echo "never closed"\n' });
    const result = await t.realise([broken]);
    expect(result.failed).toHaveLength(1);
    const message = result.failed[0]?.message ?? "";
    expect(message).toContain("syntax error");
    expect(message).toContain("error: 'broken' has a shell syntax error (reported by bash -n above)");
    expect(t.log(broken)).toMatch(/bin\/broken: line \d+: syntax error/);
  });

  it("symlinkJoin links the files of several packages, the first one winning", async () => {
    const a = tool("a", "a");
    const b = tool("b", "b");
    const otherA = tool("a", "other a");
    const joined = pkgs.symlinkJoin({ name: "joined", paths: [a, b, otherA], postBuild: 'echo done > "$out/post-build"' });
    await t.build(joined);
    expect(readlinkSync(`${joined}/bin/a`)).toBe(`${a}/bin/a`);
    expect(readlinkSync(`${joined}/bin/b`)).toBe(`${b}/bin/b`);
    expect(lstatSync(`${joined}/bin`).isDirectory()).toBe(true);
    expect(run(`${joined}/bin/a`)).toBe("a\n");
    expect(readFileSync(`${joined}/post-build`, "utf8")).toBe("done\n");
  });

  it("buildEnv links pathsToLink, and a collision is an error naming both packages", async () => {
    const a = tool("a", "a");
    const b = tool("b", "b");
    const env = pkgs.buildEnv({ name: "env", paths: [a, b], pathsToLink: ["/bin"] });
    await t.build(env);
    expect(run(`${env}/bin/a`)).toBe("a\n");
    expect(run(`${env}/bin/b`)).toBe("b\n");

    const otherA = tool("a", "other a");
    const clash = pkgs.buildEnv({ name: "clash", paths: [a, otherA] });
    const result = await t.realise([clash]);
    expect(result.failed).toHaveLength(1);
    const message = result.failed[0]?.message ?? "";
    expect(message).toContain(`collision between '${a}/bin/a' and '${otherA}/bin/a'`);
    expect(message).toContain("buildEnv 'clash': 1 collision(s)");

    const tolerant = pkgs.buildEnv({ name: "tolerant", paths: [a, otherA], ignoreCollisions: true });
    await t.build(tolerant);
    expect(run(`${tolerant}/bin/a`)).toBe("a\n");
  });

  it("buildEnv links a directory only one package has as a whole, and unfolds it when another package adds to it", async () => {
    const data = (name: string, file: string) =>
      pkgs.runCommand(name, {}, `mkdir -p "$out/share/${name}/deep" "$out/bin" && echo ${name} > "$out/share/${name}/deep/${file}" && echo ${name} > "$out/bin/${name}"`);
    const one = data("one", "x");
    const two = data("two", "y");
    const clashing = pkgs.runCommand("clashing", {}, 'mkdir -p "$out/share/one/deep" && echo other > "$out/share/one/deep/x"');
    const env = pkgs.buildEnv({ name: "whole-directories", paths: [one, two, one] });
    await t.build(env);
    // share/one is one package's alone: one link; share and bin have both packages' files: real directories.
    expect(readlinkSync(`${env}/share/one`)).toBe(`${one}/share/one`);
    expect(readlinkSync(`${env}/share/two`)).toBe(`${two}/share/two`);
    expect(lstatSync(`${env}/share`).isDirectory()).toBe(true);
    expect(lstatSync(`${env}/bin`).isDirectory()).toBe(true);
    expect(readlinkSync(`${env}/bin/two`)).toBe(`${two}/bin/two`);
    // A collision deep inside a directory that had to be unfolded is still found.
    const clash = pkgs.buildEnv({ name: "deep-clash", paths: [one, clashing] });
    const result = await t.realise([clash]);
    expect(result.failed[0]?.message ?? "").toContain(`collision between '${one}/share/one/deep/x' and '${clashing}/share/one/deep/x'`);
    expect(lstatSync(`${env}/share/one`).isSymbolicLink()).toBe(true);
  });

  it("makeWrapper's hook gives builds wrapProgram with --set, --prefix and --add-flags", async () => {
    const helper = tool("helper", "helped");
    const wrapped = pkgs.stdenv.mkDerivation({
      pname: "wrapped",
      version: "1",
      dontUnpack: true,
      nativeBuildInputs: [pkgs.makeWrapper],
      installPhase: `
        mkdir -p "$out/bin"
        printf '#!/bin/bash\\necho "$GREETING $*"; helper\\n' > "$out/bin/show"
        chmod +x "$out/bin/show"
        wrapProgram "$out/bin/show" --set GREETING "hi there" --prefix PATH : ${helper}/bin --add-flags "--first"
      `,
    });
    await t.build(wrapped);
    expect(run(`${wrapped}/bin/show`, ["last"], { PATH: "/usr/bin:/bin" })).toBe("hi there --first last\nhelped\n");
    expect(readFileSync(`${wrapped}/bin/show`, "utf8").split("\n")[0]).toBe("#!/bin/bash -e");
  });
});

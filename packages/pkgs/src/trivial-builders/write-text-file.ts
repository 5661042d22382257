/**
 * `writeTextFile`, `writeText`, `writeScript`, `writeScriptBin`: a text
 * (with any store paths it mentions as dependencies) in its own store path,
 * as nixpkgs writes them: optionally executable, optionally at a
 * `destination` inside the output (`/bin/hello`), optionally checked by a
 * `checkPhase` that sees the file as `$target`.
 */
import { isSecret, secretAsStringHint } from "@kiln/formats";
import { PackageAttributeError } from "../errors.js";
import type { Meta } from "../meta.js";
import type { MkDerivationAttrs, NoPassthru, Package } from "../stdenv/package.js";
import type { BuilderStdenvs } from "./builder-stdenvs.js";
import { runCommandWith } from "./run-command.js";

/** Arguments of `writeTextFile` (`pkgs.writeTextFile`). */
export interface WriteTextFileArgs<Passthru extends object = NoPassthru> {
  /** The store path's name. */
  readonly name: string;
  /** The file's contents. */
  readonly text: string;
  /** Make the file executable. */
  readonly executable?: boolean;
  /** Where in the output to put the file (`/bin/hello`); by default the output is the file. */
  readonly destination?: string;
  /** Shell code run after writing, with the file as `$target` (e.g. a syntax check). */
  readonly checkPhase?: string;
  /** `meta` of the package. */
  readonly meta?: Meta;
  /** `passthru` of the package. */
  readonly passthru?: Passthru;
  /** Build locally rather than substituting. */
  readonly preferLocalBuild?: boolean;
  /** Whether a binary cache may provide it. */
  readonly allowSubstitutes?: boolean;
  /** Further attributes of the derivation. */
  readonly derivationArgs?: Omit<MkDerivationAttrs<Passthru>, "name">;
}

/** The signature of `writeTextFile`. */
export type WriteTextFile = <Passthru extends object = NoPassthru>(args: WriteTextFileArgs<Passthru>) => Package<Passthru>;

const WRITE_TEXT_FILE_SCRIPT = `target="$out\${destination-}"
if [ -n "\${destination-}" ]; then mkdir -p "$(dirname "$target")"; fi
if [ -e "\${textPath-}" ]; then cp "$textPath" "$target"; else printf '%s' "$text" >"$target"; fi
if [ -n "\${executable-}" ]; then chmod +x "$target"; fi
eval "\${checkPhase-}"
`;

/** `writeTextFile({ name, text, executable, destination, checkPhase })`. */
export function writeTextFileOf(stdenvs: BuilderStdenvs): WriteTextFile {
  return <Passthru extends object = NoPassthru>(args: WriteTextFileArgs<Passthru>): Package<Passthru> => {
    const destination = args.destination ?? "";
    if (destination !== "" && !destination.startsWith("/")) {
      throw new PackageAttributeError(`writeTextFile '${args.name}': destination '${destination}' must start with '/' (it is a path inside the output)`);
    }
    if (typeof args.text !== "string") throw new PackageAttributeError(`writeTextFile '${args.name}': 'text' must be a string${isSecret(args.text) ? `: ${secretAsStringHint(args.text)}` : ""}`);
    const extra = args.derivationArgs ?? {};
    const passAsFile = (extra.passAsFile as readonly string[] | undefined) ?? [];
    const attrs: Record<string, unknown> = {
      preferLocalBuild: args.preferLocalBuild ?? true,
      allowSubstitutes: args.allowSubstitutes ?? false,
      ...extra,
      text: args.text,
      executable: args.executable ?? false,
      destination,
      checkPhase: args.checkPhase ?? "",
      passAsFile: ["text", ...passAsFile],
    };
    if (args.meta !== undefined) attrs["meta"] = args.meta;
    if (args.passthru !== undefined) attrs["passthru"] = args.passthru;
    return runCommandWith<Passthru>({ name: args.name, stdenv: stdenvs.stdenvNoCC, derivationArgs: attrs as Omit<MkDerivationAttrs<Passthru>, "name"> }, WRITE_TEXT_FILE_SCRIPT);
  };
}

/** The signature of `writeText`: a name and the text. */
export type WriteText = (name: string, text: string) => Package;

/** `writeText(name, text)`: a plain text file. */
export function writeTextOf(stdenvs: BuilderStdenvs): WriteText {
  const writeTextFile = writeTextFileOf(stdenvs);
  return (name, text) => writeTextFile({ name, text });
}

/** `writeScript(name, text)`: an executable file, the text verbatim (give it a `#!` line). */
export function writeScriptOf(stdenvs: BuilderStdenvs): WriteText {
  const writeTextFile = writeTextFileOf(stdenvs);
  return (name, text) => writeTextFile({ name, text, executable: true });
}

/** `writeScriptBin(name, text)`: the same at `$out/bin/${name}`. */
export function writeScriptBinOf(stdenvs: BuilderStdenvs): WriteText {
  const writeTextFile = writeTextFileOf(stdenvs);
  return (name, text) => writeTextFile({ name, text, executable: true, destination: `/bin/${name}`, meta: { mainProgram: name } });
}


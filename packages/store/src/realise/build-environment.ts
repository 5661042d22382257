/**
 * The environment a builder runs in, as Nix 2.8 sets it up.
 *
 * The derivation's environment, except that `passAsFile` attributes are
 * written to files (`.attr-<hash>`) and passed as `<name>Path`; with
 * structured attributes, `.attrs.json` and `.attrs.sh` instead. Then Nix's
 * fixed variables: `PATH=/path-not-set` and `HOME=/homeless-shelter` (so a
 * builder cannot silently use the host's), the build directory as
 * `NIX_BUILD_TOP`/`TMPDIR`/…, `NIX_STORE`, `NIX_BUILD_CORES`.
 */
import { hashString, type Drv, isFixedOutput, placeholder } from "@kiln/formats";

/** A file to write into the build directory before the builder starts. */
export interface BuildDirectoryFile {
  readonly name: string;
  readonly contents: string;
}

/** What {@link builderEnvironment} produces. */
export interface BuilderEnvironment {
  readonly env: Record<string, string>;
  readonly files: readonly BuildDirectoryFile[];
}

/** Quotes a value for a POSIX shell, as Nix's `.attrs.sh` does. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}

const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A shell value for a JSON scalar, or `undefined` if it has none (objects, lists, null). */
function shellScalar(value: unknown): string | undefined {
  if (typeof value === "string") return shellQuote(value);
  if (typeof value === "number") return shellQuote(String(value));
  if (typeof value === "boolean") return value ? "1" : "''";
  return undefined;
}

/** The `.attrs.sh` of structured attributes: scalars as variables, lists as arrays, flat objects as associative arrays. */
export function structuredAttrsShell(json: Record<string, unknown>): string {
  let out = "";
  for (const [key, value] of Object.entries(json)) {
    if (!SHELL_NAME.test(key)) continue;
    const scalar = shellScalar(value);
    if (scalar !== undefined) {
      out += `declare ${key}=${scalar}\n`;
    } else if (Array.isArray(value)) {
      const items = value.map(shellScalar);
      if (items.every((item) => item !== undefined)) out += `declare -a ${key}=(${items.map((item) => `${item} `).join("")})\n`;
    } else if (typeof value === "object" && value !== null) {
      const entries = Object.entries(value).map(([name, item]) => [name, shellScalar(item)] as const);
      if (entries.every(([, item]) => item !== undefined)) out += `declare -A ${key}=(${entries.map(([name, item]) => `[${shellQuote(name)}]=${item} `).join("")})\n`;
    }
  }
  return out;
}

/** Options of {@link builderEnvironment}. */
export interface BuilderEnvironmentOptions {
  /** The build directory as the builder sees it (`/build` in the sandbox). */
  readonly buildDir: string;
  readonly storeDir: string;
  readonly cores: number;
  /** Values of the host's environment, for a fixed-output derivation's `impureEnvVars`. */
  readonly hostEnv?: NodeJS.ProcessEnv;
}

/** The environment and build-directory files for running `drv`'s builder. */
/**
 * Replaces each output's placeholder (`builtins.placeholder "out"`) in `text`
 * with the output's path, as Nix rewrites the environment, `passAsFile`
 * files, structured attributes and arguments before the builder starts.
 */
export function rewriteOutputPlaceholders(drv: Drv, text: string): string {
  let rewritten = text;
  for (const [name, output] of drv.outputs) {
    const hashPlaceholder = placeholder(name);
    if (rewritten.includes(hashPlaceholder)) rewritten = rewritten.split(hashPlaceholder).join(output.path);
  }
  return rewritten;
}

/** The environment, arguments and files a builder of `drv` starts with, as Nix sets them up. */
export function builderEnvironment(drv: Drv, options: BuilderEnvironmentOptions): BuilderEnvironment {
  const rewrite = (text: string): string => rewriteOutputPlaceholders(drv, text);
  const env: Record<string, string> = Object.create(null) as Record<string, string>;
  const files: BuildDirectoryFile[] = [];
  env["PATH"] = "/path-not-set";
  env["HOME"] = "/homeless-shelter";
  env["NIX_STORE"] = options.storeDir;
  env["NIX_BUILD_CORES"] = String(options.cores);
  const structured = drv.env.get("__json");
  if (structured === undefined) {
    const passAsFile = new Set((drv.env.get("passAsFile") ?? "").split(/[ \t\n\r]+/).filter((name) => name !== ""));
    for (const [name, value] of drv.env) {
      if (!passAsFile.has(name)) {
        env[name] = rewrite(value);
        continue;
      }
      const file = `.attr-${hashString("sha256", name).toNixBase32()}`;
      files.push({ name: file, contents: rewrite(value) });
      env[`${name}Path`] = `${options.buildDir}/${file}`;
    }
  } else {
    for (const [name, value] of drv.env) if (name !== "__json") env[name] = rewrite(value);
    const json = JSON.parse(structured) as Record<string, unknown>;
    // The builder sees `outputs` as a map from output name to path.
    json["outputs"] = Object.fromEntries([...drv.outputs].map(([name, output]) => [name, output.path]));
    files.push({ name: ".attrs.json", contents: rewrite(JSON.stringify(json)) });
    files.push({ name: ".attrs.sh", contents: rewrite(structuredAttrsShell(json)) });
    env["NIX_ATTRS_JSON_FILE"] = `${options.buildDir}/.attrs.json`;
    env["NIX_ATTRS_SH_FILE"] = `${options.buildDir}/.attrs.sh`;
  }
  for (const name of ["NIX_BUILD_TOP", "TMPDIR", "TEMPDIR", "TMP", "TEMP", "PWD"]) env[name] = options.buildDir;
  if (isFixedOutput(drv)) {
    env["NIX_OUTPUT_CHECKED"] = "1";
    const impure = (drv.env.get("impureEnvVars") ?? "").split(/[ \t\n\r]+/).filter((name) => name !== "");
    for (const name of impure) env[name] = options.hostEnv?.[name] ?? "";
  }
  env["NIX_LOG_FD"] = "2";
  env["TERM"] = "xterm-256color";
  return { env, files };
}

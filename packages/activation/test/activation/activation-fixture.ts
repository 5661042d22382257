/**
 * Test helper: toplevels made by hand in a temporary directory (a manifest
 * and the files it names), and a snapshot of a directory tree to compare
 * activations by.
 */
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ACTIVATION_MANIFEST_FILE, type ActivationManifest, type ManagedFile, type ManagedGroup, type ManagedUser } from "@kiln/formats";

/** A scratch directory. */
export function scratch(label: string): string {
  return mkdtempSync(join(tmpdir(), `kiln-${label}-`));
}

let counter = 0;

/** A file with `text` in the fake store, returned as its path. */
export function storeFile(store: string, name: string, text: string, executable = false): string {
  const path = join(store, `${String(counter++).padStart(4, "0")}-${name}`);
  writeFileSync(path, text);
  if (executable) chmodSync(path, 0o755);
  return path;
}

/** What a toplevel declares. */
export interface ToplevelSpec {
  readonly kind?: "machine" | "home";
  readonly name?: string;
  readonly files?: Record<string, ManagedFile>;
  readonly users?: Record<string, ManagedUser>;
  readonly groups?: Record<string, ManagedGroup>;
  readonly scripts?: Record<string, string>;
  readonly packages?: ActivationManifest["packages"];
  readonly secrets?: ActivationManifest["secrets"];
}

/** A toplevel directory in the fake store holding the manifest for `spec`. */
export function toplevel(store: string, spec: ToplevelSpec): string {
  const path = join(store, `${String(counter++).padStart(4, "0")}-kiln-system`);
  mkdirSync(path);
  const manifest: ActivationManifest = {
    version: 1,
    kind: spec.kind ?? "machine",
    name: spec.name ?? "test",
    files: spec.files ?? {},
    users: spec.users ?? {},
    groups: spec.groups ?? {},
    activationScripts: Object.entries(spec.scripts ?? {}).map(([name, text]) => ({ name, script: storeFile(store, `${name}.sh`, text, true) })),
    packages: spec.packages ?? [],
    ...(spec.secrets === undefined ? {} : { secrets: spec.secrets }),
  };
  writeFileSync(join(path, ACTIVATION_MANIFEST_FILE), JSON.stringify(manifest));
  return path;
}

/** A symlinked managed file. */
export function link(source: string): ManagedFile {
  return { source, mode: "symlink", user: "root", group: "root" };
}

/** A normal user. */
export function normalUser(overrides: Partial<ManagedUser> = {}): ManagedUser {
  return { uid: null, isSystemUser: false, description: "", group: "users", extraGroups: [], home: "/home/alice", createHome: true, shell: "/bin/bash", ...overrides };
}

/** Every entry under `root`: type, mode, link target or content. */
export function snapshot(root: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (directory: string, prefix: string): void => {
    for (const name of readdirSync(directory).sort()) {
      const path = join(directory, name);
      const relative = prefix === "" ? name : `${prefix}/${name}`;
      const stats = lstatSync(path);
      const mode = (stats.mode & 0o7777).toString(8);
      if (stats.isSymbolicLink()) entries[relative] = `link -> ${readlinkSync(path)}`;
      else if (stats.isDirectory()) {
        entries[relative] = `dir ${mode}`;
        walk(path, relative);
      } else entries[relative] = `file ${mode} ${readFileSync(path, "utf8")}`;
    }
  };
  walk(root, "");
  return entries;
}

/** A root with a distribution's account files, as a real machine has. */
export function distributionRoot(): string {
  const root = scratch("root");
  mkdirSync(join(root, "etc"));
  writeFileSync(join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/bash\n# a comment stays\nmessagebus:x:100:101::/nonexistent:/usr/sbin/nologin\n");
  writeFileSync(join(root, "etc", "group"), "root:x:0:\nusers:x:100:\nvideo:x:44:bob\n");
  writeFileSync(join(root, "etc", "shadow"), "root:*:19000:0:99999:7:::\n", { mode: 0o640 });
  return root;
}

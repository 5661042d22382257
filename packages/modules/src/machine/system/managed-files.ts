/**
 * `environment.etc` as the manifest's `files`: each enabled entry under its
 * target path, checked so that activation can apply it: targets are
 * relative paths without `.`/`..` segments, no two entries claim one file,
 * no entry is inside another (a directory linked from the store cannot hold
 * more files), and every source is in the store.
 */
import type { ManagedFile } from "@kiln/formats";
import { showOption } from "../../options/show-option.js";
import type { PackageValue } from "../../types/primitive-types.js";
import { MachineConfigError } from "../machine-config-error.js";
import { normaliseRelativePath } from "../../types/normal-path-types.js";
import { findNestedTarget, storeSourcePath } from "../../target/managed-file-paths.js";

/** An `environment.etc` entry as read from `config`. */
export interface EtcEntry {
  readonly enable: boolean;
  readonly target: string;
  readonly source: string | PackageValue;
  readonly mode: string;
  readonly user: string;
  readonly group: string;
}

function etcOption(name: string, field: string): string {
  return showOption(["environment", "etc", name, field]);
}

/** The target as a clean relative path (the option's type has normalised it already, unless the entry did not come from `config`). */
function normalTarget(name: string, target: string): string {
  const relative = normaliseRelativePath(target);
  if (relative === undefined) {
    throw new MachineConfigError(`${etcOption(name, "target")} is \`${target}', which is not a path inside /etc: give a relative path such as \`ssh/sshd_config', without \`..' segments.`);
  }
  return relative;
}

function storeSource(name: string, source: string | PackageValue): string {
  return storeSourcePath(source, (message) => new MachineConfigError(message), etcOption(name, "source"));
}

/** The manifest's `files`, sorted by target. */
export function managedFiles(etc: Readonly<Record<string, EtcEntry>>): Record<string, ManagedFile> {
  const byTarget = new Map<string, { readonly name: string; readonly file: ManagedFile }>();
  for (const [name, entry] of Object.entries(etc)) {
    if (!entry.enable) continue;
    const target = normalTarget(name, entry.target);
    const previous = byTarget.get(target);
    if (previous !== undefined) {
      throw new MachineConfigError(`/etc/${target} is defined twice, by ${showOption(["environment", "etc", previous.name])} and ${showOption(["environment", "etc", name])}: disable one of them (\`enable = false') or give it another \`target'.`);
    }
    byTarget.set(target, { name, file: { source: storeSource(name, entry.source), mode: entry.mode, user: entry.user, group: entry.group } });
  }
  const nested = findNestedTarget(byTarget);
  if (nested !== undefined) {
    const { inner, outer } = nested;
    throw new MachineConfigError(
      `/etc/${inner} (${showOption(["environment", "etc", byTarget.get(inner)?.name ?? inner])}) is inside /etc/${outer} (${showOption(["environment", "etc", byTarget.get(outer)?.name ?? outer])}), which is one entry linked as a whole: manage the files one by one, or put the file into that entry's source.`,
    );
  }
  const targets = [...byTarget.keys()].sort();
  return Object.fromEntries(targets.map((target) => [target, (byTarget.get(target) as { file: ManagedFile }).file]));
}

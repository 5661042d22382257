/**
 * Each command's module by command name, imported only when that command
 * runs: `kiln build` then loads what building needs, not the module system
 * or the TypeScript checker (as `nix-build` runs without `nix repl`'s code
 * paged in). `COMMANDS` (`./index.ts`) stays the complete list; a command missing
 * here still runs, loaded with all the others (see `main.ts`).
 */
import type { Command } from "../command.js";

/** Loads a command's declaration (and so its code). */
export type CommandLoader = () => Promise<Command>;

/** The loader of each command in `COMMANDS` (`./index.ts`), by name. */
export const COMMAND_LOADERS: Readonly<Record<string, CommandLoader>> = {
  init: () => import("./init.js").then((module) => module.initCommand),
  build: () => import("./build.js").then((module) => module.buildCommand),
  run: () => import("./run.js").then((module) => module.runCommand),
  shell: () => import("./shell.js").then((module) => module.shellCommand),
  switch: () => import("./switch.js").then((module) => module.switchCommand),
  boot: () => import("./boot.js").then((module) => module.bootCommand),
  "build-vm": () => import("./build-vm.js").then((module) => module.buildVmCommand),
  secrets: () => import("./secrets.js").then((module) => module.secretsCommand),
  rollback: () => import("./rollback.js").then((module) => module.rollbackCommand),
  generations: () => import("./generations.js").then((module) => module.generationsCommand),
  diff: () => import("./diff.js").then((module) => module.diffCommand),
  add: () => import("./add.js").then((module) => module.addCommand),
  update: () => import("./update.js").then((module) => module.updateCommand),
  search: () => import("./search.js").then((module) => module.searchCommand),
  "why-depends": () => import("./why-depends.js").then((module) => module.whyDependsCommand),
  instantiate: () => import("./instantiate.js").then((module) => module.instantiateCommand),
  check: () => import("./check.js").then((module) => module.checkCommand),
  "show-derivation": () => import("./show-derivation.js").then((module) => module.showDerivationCommand),
  eval: () => import("./eval.js").then((module) => module.evalCommand),
  graph: () => import("./graph.js").then((module) => module.graphCommand),
  options: () => import("./options.js").then((module) => module.optionsCommand),
  prefetch: () => import("./prefetch.js").then((module) => module.prefetchCommand),
  "fix-hashes": () => import("./fix-hashes.js").then((module) => module.fixHashesCommand),
  "path-info": () => import("./path-info.js").then((module) => module.pathInfoCommand),
  log: () => import("./log.js").then((module) => module.logCommand),
  gc: () => import("./gc.js").then((module) => module.gcCommand),
  store: () => import("./store.js").then((module) => module.storeCommand),
  export: () => import("./export.js").then((module) => module.exportCommand),
  import: () => import("./import.js").then((module) => module.importCommand),
};

import type { Command } from "../command.js";
import { addCommand } from "./add.js";
import { bootCommand } from "./boot.js";
import { buildCommand } from "./build.js";
import { buildVmCommand } from "./build-vm.js";
import { checkCommand } from "./check.js";
import { diffCommand } from "./diff.js";
import { evalCommand } from "./eval.js";
import { exportCommand } from "./export.js";
import { fixHashesCommand } from "./fix-hashes.js";
import { gcCommand } from "./gc.js";
import { generationsCommand } from "./generations.js";
import { graphCommand } from "./graph.js";
import { importCommand } from "./import.js";
import { initCommand } from "./init.js";
import { instantiateCommand } from "./instantiate.js";
import { logCommand } from "./log.js";
import { optionsCommand } from "./options.js";
import { pathInfoCommand } from "./path-info.js";
import { rollbackCommand } from "./rollback.js";
import { prefetchCommand } from "./prefetch.js";
import { runCommand } from "./run.js";
import { searchCommand } from "./search.js";
import { secretsCommand } from "./secrets.js";
import { shellCommand } from "./shell.js";
import { storeCommand } from "./store.js";
import { switchCommand } from "./switch.js";
import { showDerivationCommand } from "./show-derivation.js";
import { updateCommand } from "./update.js";
import { whyDependsCommand } from "./why-depends.js";

/** Every `kiln` command, in the order `kiln help` lists them. */
export const COMMANDS: readonly Command[] = [
  initCommand,
  buildCommand,
  runCommand,
  shellCommand,
  switchCommand,
  bootCommand,
  buildVmCommand,
  rollbackCommand,
  generationsCommand,
  diffCommand,
  secretsCommand,
  addCommand,
  updateCommand,
  searchCommand,
  whyDependsCommand,
  instantiateCommand,
  checkCommand,
  showDerivationCommand,
  evalCommand,
  graphCommand,
  optionsCommand,
  prefetchCommand,
  fixHashesCommand,
  pathInfoCommand,
  logCommand,
  gcCommand,
  storeCommand,
  exportCommand,
  importCommand,
];

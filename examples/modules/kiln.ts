/**
 * Two machines from one shared module: `kiln eval ./examples/modules#machines.studio.config.boot.kernelModules`,
 * `kiln options ./examples/modules#machines.pocket obs`, `kiln build ./examples/modules#toplevel.studio`.
 */
import { checkAssertions, evalModules } from "@kiln/modules";
import { pocket } from "./machines/pocket.js";
import { studio } from "./machines/studio.js";
import { base, toplevel as machineDerivation } from "./modules/base.js";
import { myOptions } from "./modules/my.js";
import { obsStudioOptions } from "./modules/obs-studio.js";
import { steamOptions } from "./modules/steam.js";

/** Evaluates a machine; listing the option modules (imported anyway) types its `config`. */
function machine(module: object) {
  const evaluated = evalModules({ modules: [base, obsStudioOptions, steamOptions, myOptions, module] });
  checkAssertions(evaluated);
  return evaluated;
}

export const machines = { studio: machine(studio), pocket: machine(pocket) };

export const toplevel = {
  studio: machineDerivation(machines.studio.config),
  pocket: machineDerivation(machines.pocket.config),
};

export default { machines, toplevel };

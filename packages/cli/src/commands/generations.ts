/** `kiln generations` (being written). */
import type { Command } from "../command.js";
import { UsageError } from "../usage-error.js";

export const generationsCommand: Command = {
  name: "generations",
  summary: "(not yet available)",
  usage: "generations",
  options: [],
  async run() {
    throw new UsageError("'kiln generations' is not available yet");
  },
};

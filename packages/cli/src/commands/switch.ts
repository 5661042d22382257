/** `kiln switch` (being written). */
import type { Command } from "../command.js";
import { UsageError } from "../usage-error.js";

export const switchCommand: Command = {
  name: "switch",
  summary: "(not yet available)",
  usage: "switch",
  options: [],
  async run() {
    throw new UsageError("'kiln switch' is not available yet");
  },
};

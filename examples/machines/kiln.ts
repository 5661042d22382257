/**
 * Two machines from one shared module (`@example/my-modules`), each with its
 * own hardware:
 *
 *   kiln build ./examples/machines/kiln.ts#machines.streaming
 *   kiln switch ./examples/machines/kiln.ts --machine laptop --root /tmp/laptop
 *   kiln generations --root /tmp/laptop
 *
 * and Alice's home (`home.ts`), for any of them:
 *
 *   kiln switch ./examples/machines/kiln.ts --home alice --root /tmp/alice
 */
import { defineHome, defineMachine } from "@kiln/modules";
import { my } from "@example/my-modules";
import { alice } from "./home.js";
import { laptop } from "./machines/laptop.js";
import { streaming } from "./machines/streaming.js";
import { pkgs } from "./pkgs.js";

export default {
  machines: {
    streaming: defineMachine({ pkgs, modules: [my, streaming] }),
    laptop: defineMachine({ pkgs, modules: [my, laptop] }),
  },
  homes: {
    alice: defineHome({ pkgs, modules: [alice] }),
  },
  packages: { backup: pkgs.backup },
};

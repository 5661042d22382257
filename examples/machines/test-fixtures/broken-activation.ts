/** The laptop with an activation snippet that fails, for the example's tests. */
import { defineMachine } from "@kiln/modules";
import { my } from "@example/my-modules";
import { laptop } from "../machines/laptop.js";
import { pkgs } from "../pkgs.js";

const migration = { system: { activationScripts: { migrate: "echo 'migrating the database: schema v7 is newer than this program' >&2\nexit 4\n" } }, environment: { etc: { "broken-marker": { text: "should never stay\n" } } } };

export default { machines: { laptop: defineMachine({ pkgs, modules: [my, laptop, migration] }) } };

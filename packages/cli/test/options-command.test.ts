/** `kiln options` on the modules example: search by words, with type, default, value and locations. */
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { runKiln } from "./run-kiln.js";

const example = fileURLToPath(new URL("../../../examples/modules/kiln.ts", import.meta.url));
const cwd = fileURLToPath(new URL("../../..", import.meta.url));

it("finds an option by words of its name and description and shows where it is declared and defined", () => {
  const run = runKiln(["options", `${example}#machines.pocket`, "obs", "webcam"], cwd);
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(
    /^programs\.obs-studio\.enableVirtualCamera\n {2}Load v4l2loopback so that OBS can act as a webcam\.\n {2}type: boolean\n {2}default: false\n {2}value: false\n {2}declared in: .*examples\/modules\/modules\/obs-studio\.ts:\d+:\d+\n {2}defined in: .*examples\/modules\/machines\/pocket\.ts:\d+:\d+\n$/,
  );
});

it("lists names, prints JSON with current values, and says when nothing matches", () => {
  const names = runKiln(["options", `${example}#machines.studio`, "--names", "enable"], cwd);
  expect(names.stdout.trim().split("\n")).toEqual([
    "hardware.graphics.enable",
    "my.gaming.enable",
    "my.obsWithAllMyPlugins.enable",
    "programs.obs-studio.enable",
    "programs.obs-studio.enableVirtualCamera",
    "programs.steam.enable",
  ]);
  const json = JSON.parse(runKiln(["options", `${example}#machines.studio`, "--json", "kernelModules"], cwd).stdout) as { name: string; value: string }[];
  expect(json.map((match) => [match.name, JSON.parse(match.value) as unknown])).toEqual([["boot.kernelModules", ["v4l2loopback", "nvidia", "nvidia_uvm"]]]);
  const none = runKiln(["options", `${example}#machines.studio`, "no-such-thing"], cwd);
  expect(none.status).toBe(1);
  expect(none.stderr).toBe("no option matches 'no-such-thing'\n");
});

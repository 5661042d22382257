/**
 * The modules benchmark's configuration for Kiln: BENCH_MODULES (2,000)
 * modules declaring 10 options each and 2,000 more making 25 definitions
 * each (mkIf, mkDefault, mkForce, mkOverride, mkMerge, lists, attrsOf,
 * attrsOf submodule), as config.nix does for Nix. The default export is the
 * merged value of every generated option, which `kiln eval --json` prints.
 */
import { evalModules, mkDefault, mkEnableOption, mkForce, mkIf, mkMerge, mkOption, mkOverride, types } from "@kiln/modules";

const n = Number(process.env["BENCH_MODULES"] ?? 2000);
const name = (i: number): string => `m${i}`;
const at = (i: number): string => name(i % n);

const userType = types.submodule({
  options: {
    uid: mkOption({ type: types.int }),
    shell: mkOption({ type: types.str, default: "/bin/bash" }),
  },
});

function declare(i: number): object {
  return {
    options: {
      [name(i)]: {
        enable: mkEnableOption(`module ${i}`),
        name: mkOption({ type: types.str, default: "" }),
        port: mkOption({ type: types.port, default: 80 }),
        tags: mkOption({ type: types.listOf(types.str), default: [] }),
        settings: mkOption({ type: types.attrsOf(types.str), default: {} }),
        users: mkOption({ type: types.attrsOf(userType), default: {} }),
        o6: mkOption({ type: types.int, default: 0 }),
        o7: mkOption({ type: types.int, default: 0 }),
        o8: mkOption({ type: types.int, default: 0 }),
        o9: mkOption({ type: types.int, default: 0 }),
      },
    },
  };
}

function define(i: number) {
  return ({ config }: { config: Record<string, { enable: boolean }> }) => ({
    config: mkMerge([
      { [name(i)]: { enable: mkDefault(i % 3 !== 0) } },
      { [name(i)]: { name: `module-${i}` } },
      { [at(i + 1)]: { settings: { [`s${i}`]: `v${i}` } } },
      { [at(i + 2)]: { users: { [`u${i}`]: { uid: i } } } },
      { [at(i + 2)]: { users: { [`u${i}`]: { shell: mkForce("/bin/sh") } } } },
      mkIf((config[at(i + 5)] as { enable: boolean }).enable, { [name(i)]: { o6: i, o7: i * 2 } }),
      { [name(i)]: { o8: mkDefault(1) } },
      { [name(i)]: { o8: 2 } },
      { [name(i)]: { o9: mkOverride(900, i) } },
      ...[1, 2, 3].map((k) => ({ [at(i + k)]: { tags: [`t${i}-${k}`] } })),
      ...Array.from({ length: 12 }, (_, index) => ({ [at(i + index + 1)]: { settings: { [`x${i}_${index + 1}`]: "w" } } })),
    ]),
  });
}

const modules = [...Array.from({ length: n }, (_, i) => declare(i)), ...Array.from({ length: n }, (_, i) => define(i))];
const { config } = evalModules({ modules });
const values = config as unknown as Record<string, unknown>;

export default Object.fromEntries(Array.from({ length: n }, (_, i) => [name(i), values[name(i)]]));

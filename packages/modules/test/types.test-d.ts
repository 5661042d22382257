/**
 * Type-level specifications, checked by `tsc -p tsconfig.json` at the
 * repository root (not run by vitest): the type of `config` follows from
 * option declarations, and misspelt options or wrong values in definitions
 * are compile errors, also inside mkIf/mkMerge/mkDefault/mkForce.
 */
import { z } from "zod";
import { defineModule, evalModules, lazy, mkDefault, mkEnableOption, mkForce, mkIf, mkMerge, mkOption, types, withOptions, type ConfigOf, type OptionType } from "../src/index.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

// Option types carry their value type.
const listOfStr = types.listOf(types.str);
assertType<Equal<typeof listOfStr, OptionType<string[], string[]>>>();
const nullablePort = types.nullOr(types.port);
assertType<Equal<typeof nullablePort, OptionType<number | null, number | null>>>();
const modes = types.enum(["a", "b"]);
assertType<Equal<typeof modes, OptionType<"a" | "b">>>();
const zodServer = types.zod(z.object({ host: z.string(), port: z.number() }));
assertType<Equal<typeof zodServer, OptionType<{ host: string; port: number }, { host: string; port: number }>>>();

// A module's options determine ConfigOf.
const web = defineModule({
  options: {
    my: {
      enable: mkEnableOption("x"),
      port: mkOption({ type: types.port, default: 80 }),
      hosts: mkOption({ type: types.attrsOf(types.submodule({ options: { root: mkOption({ type: types.str }) } })), default: {} }),
      tags: mkOption({ type: types.listOf(types.str), default: [] }),
      server: mkOption({ type: zodServer }),
    },
  },
  config: {
    my: { port: mkDefault(8080), tags: ["a", mkIf(true, "b")] },
  },
});
type Web = ConfigOf<typeof web>;
assertType<Equal<Web["my"]["enable"], boolean>>();
assertType<Equal<Web["my"]["port"], number>>();
assertType<Equal<Web["my"]["tags"], string[]>>();
assertType<Equal<Web["my"]["server"], { host: string; port: number }>>();
const rootType: string = ({} as Web).my.hosts["example"]?.root ?? "";
void rootType;

defineModule({
  options: { my: { enable: mkEnableOption("y") } },
  // @ts-expect-error a misspelt option in a module's own config is a compile error
  config: { my: { enabel: true } },
});

defineModule({
  options: { my: { enable: mkEnableOption("y") } },
  // @ts-expect-error a wrong value type is a compile error
  config: { my: { enable: "yes" } },
});

// Module functions typed by other modules' options.
defineModule<[typeof web]>(({ config }) => {
  const port: number = config.my.port;
  return {
    config: {
      my: mkIf(config.my.enable, { port: mkForce(port + 1), tags: mkMerge([["x"], mkIf(true, ["y"])]) }),
    },
  };
});

defineModule<[typeof web]>(({ config }) => {
  // @ts-expect-error reading a misspelt option is a compile error
  void config.my.prot;
  return {};
});

// Errors in a function module's result are reported at the function.
// @ts-expect-error a misspelt option inside mkIf is a compile error
defineModule<[typeof web]>(() => ({ config: { my: mkIf(true, { prot: 1 }) } }));

// @ts-expect-error a wrong value type under mkDefault is a compile error
defineModule<[typeof web]>(() => ({ config: { my: { port: mkDefault("80") } } }));

// @ts-expect-error a wrong value type inside mkMerge is a compile error
defineModule<[typeof web]>(() => ({ config: mkMerge([{ my: { enable: true } }, { my: { port: "80" } }]) }));

// Object modules can be typed by other modules' options too.
defineModule<[typeof web]>({ config: { my: { enable: mkForce(true) } } });
// @ts-expect-error misspelt option in an object module typed by a dependency
defineModule<[typeof web]>({ config: { my: { enabled: true } } });

// withOptions infers the dependencies.
withOptions(web).module(({ config }) => ({
  options: { extra: { level: mkOption({ type: types.int, default: 1 }) } },
  config: { my: { tags: lazy(() => [String(config.my.port)]) }, extra: { level: 2 } },
}));

withOptions(web).define({
  // @ts-expect-error withOptions(...).define checks definitions too
  config: { my: { hosts: { example: { rot: "/srv" } } } },
});

// evalModules types config from typed modules.
const evaluated = evalModules({ modules: [web] });
const port: number = evaluated.config.my.port;
void port;
// @ts-expect-error the config of an evaluation is typed
void evaluated.config.my.portt;

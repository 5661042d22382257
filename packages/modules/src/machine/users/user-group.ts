/** One `users.groups.<name>` entry: NixOS's group submodule. */
import { defineModule, withOptions } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { mkDefault } from "../../properties/mk-override.js";
import { types } from "../../types/index.js";

const FILE = "@kiln/modules/machine/users/user-group.ts";
import { located } from "../../target/module-file.js";

/** The options of a group. */
export const userGroupOptions = defineModule(located(FILE, {
  options: {
    name: mkOption({ type: types.accountName, description: "The group's name; defaults to the attribute name. A lowercase letter or `_`, then lowercase letters, digits, `_` or `-`, optionally a final `$`, at most 32 characters." }),
    gid: mkOption({ type: types.nullOr(types.int), default: null, description: "The group's numeric id; `null` lets activation pick a free one (and keep it)." }),
    members: mkOption({
      type: types.listOf(types.accountName),
      default: [],
      description: "Users in the group besides those naming it in `users.users.<name>.group` or `extraGroups`: user names, so none contains the `,` that separates members in `/etc/group`.",
    }),
  },
}));

/** The name defaults to the attribute name. */
export const userGroupDefaults = withOptions(userGroupOptions).module(located(FILE, ({ name }) => ({ config: { name: mkDefault(name) } })));

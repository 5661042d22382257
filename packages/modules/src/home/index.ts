/**
 * The home modules: home-manager's options for a user's home (packages,
 * files, session variables, activation snippets, git and bash) and the
 * home as one derivation, `home.build.activationPackage`, which holds the
 * activation manifest `kiln switch --home` applies.
 * `defineHome({ pkgs, modules })` evaluates a home; `defineHomeModule`
 * types your modules.
 */
export { defineHome, type DefineHomeArgs, type Home } from "./define-home.js";
export { defineHomeModule, type HomeModule, type HomeModuleArgs } from "./define-home-module.js";
export { homeModules, homeOptions, type HomeConfig } from "./home-options.js";
export { HomeConfigError } from "./home-config-error.js";
export { homeActivationPackage, type ActivationPackageConfig } from "./build/activation-package.js";
export { homeManifest, type HomeManifestConfig } from "./build/home-manifest.js";
export { managedHomeFiles, type HomeFileEntry, type HomeOwner } from "./build/managed-home-files.js";
export { sessionVariablesScript, SESSION_VARIABLES_TARGET } from "./session/session-variables.js";
export { PROFILE_LINK } from "./packages/home-packages.js";
export { GIT_CONFIG_TARGET } from "./programs/git.js";
export { renderGitConfig, gitConfigScalar, type GitConfig, type GitConfigSection, type GitConfigValue, type GitConfigScalar } from "../formats/gitconfig.js";
export { renderShellVariables, shellVariableExport, type ShellVariableValue } from "../formats/shell-variables.js";

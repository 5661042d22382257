/**
 * `types.secret` and `types.secretTemplate`: options whose values are a
 * `Secret` (from `secret()` of `@kiln/core`) or a `SecretTemplate`. NixOS
 * has no such type (agenix and sops-nix pass paths as strings); here the
 * value keeps its type so that a secret can never be taken for a string.
 * A secret is defined once, like a package.
 */
import { isSecret, isSecretTemplate, type Secret, type SecretTemplate } from "@kiln/formats";
import { mergeOneOption } from "./merge-helpers.js";
import { mkOptionType, type OptionType } from "./option-type.js";

/** A secret made with `secret()`. */
export const secretType: OptionType<Secret> = mkOptionType<Secret>({ name: "secret", description: "secret", check: isSecret, merge: mergeOneOption });

/** A template made with `secretTemplate()`. */
export const secretTemplateType: OptionType<SecretTemplate> = mkOptionType<SecretTemplate>({ name: "secretTemplate", description: "secret template", check: isSecretTemplate, merge: mergeOneOption });

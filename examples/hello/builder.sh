# Writes $out, a shell script that greets, from src/hello.sh and the
# message and greeting inputs, with nothing but the sandbox shell's builtins
# (read, printf, redirections): a build sees no host /usr, so there is no
# cc, cat or mkdir, as in Nix's sandbox, whose /bin/sh is a minimal shell too.
set -eu
IFS= read -r message < "$message"
IFS= read -r greeting < "$greeting"
{
  while IFS= read -r line; do printf '%s\n' "$line"; done < "$src/hello.sh"
  printf '# %s\n' "$greeting"
  printf "greet '%s'\n" "$message"
} > "$out"

# The builder of every stdenv.mkDerivation package (run as `bash -e default-builder.sh`):
# load the standard environment, then run the phases. With structured
# attributes the derivation's attributes (`stdenv` among them) are in
# .attrs.sh rather than the environment.
if [ -n "${NIX_ATTRS_SH_FILE-}" ] && [ -e "$NIX_ATTRS_SH_FILE" ]; then
    source "$NIX_ATTRS_SH_FILE"
fi
source "$stdenv/setup"
genericBuild

#!/bin/sh
# Records what real Nix with nixpkgs' lib gives for every catalogue scenario
# into expected.json. Usage: record.sh /path/to/nixpkgs-lib-copy (the
# directory holding lib/, e.g. a checkout of nixpkgs or of its lib-only mirror).
# Needs nix-instantiate; runs without a daemon or substituters. Set
# NIXPKGS_LIB_SOURCE (e.g. "nix-community/nixpkgs.lib <commit>") to record
# where the copy came from.
set -eu
if [ $# -ne 1 ] || [ ! -f "$1/lib/default.nix" ]; then
  echo "usage: $0 NIXPKGS_LIB (a directory holding lib/default.nix)" >&2
  exit 2
fi
lib=$(cd "$1" && pwd)
cd "$(dirname "$0")/../../../.."
NIXPKGS_LIB="$lib" KILN_CATALOGUE_RECORD=1 npx vitest run packages/modules/test/catalogue.test.ts

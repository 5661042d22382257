# Merging directory trees into one tree of symlinks, for symlinkJoin and buildEnv.
#
# kilnLinkTree SOURCE TARGET MODE [SKIP]: makes TARGET mirror SOURCE with a
# symlink for each file (or symlink) of SOURCE. Where TARGET already has a
# different file, MODE decides: `first` keeps it silently (symlinkJoin),
# `warn` keeps it with a warning, `error` reports a collision naming both
# files and counts it in kilnLinkCollisions (buildEnv). A top-level entry
# named SKIP (e.g. nix-support) is left out.
#
# symlinkJoin (`first`) makes every directory real, as nixpkgs' lndir does,
# so that postBuild may add to any of them. buildEnv links a directory that
# only one package has as a whole, and makes it real ("unfolds" it) only
# when a second package adds to it, as nixpkgs' buildEnv does: a package
# with thousands of files (a Debian package's FHS tree) costs one link, not
# a process per file.

kilnLinkCollisions=0

kilnLinkTree() {
    local source=$1 target=$2 mode=$3 skip=${4-}
    mkdir -p "$target"
    local entries=() entry name existing
    shopt -s nullglob dotglob
    entries=("$source"/*)
    shopt -u nullglob dotglob
    for entry in "${entries[@]}"; do
        name=${entry##*/}
        if [ -n "$skip" ] && [ "$name" = "$skip" ]; then continue; fi
        if [ -d "$entry" ] && [ ! -e "$target/$name" ] && [ ! -L "$target/$name" ]; then
            if [ "$mode" = first ]; then
                kilnLinkTree "$entry" "$target/$name" "$mode"
            else
                ln -s "$entry" "$target/$name"
            fi
        elif [ -d "$entry" ] && [ -L "$target/$name" ] && [ -d "$target/$name" ] && ! [ "$entry" -ef "$target/$name" ]; then
            # A second package adds to a directory linked as a whole: unfold it.
            existing=$(readlink "$target/$name")
            rm "$target/$name"
            kilnLinkTree "$existing" "$target/$name" "$mode"
            kilnLinkTree "$entry" "$target/$name" "$mode"
        elif [ -d "$entry" ] && [ -d "$target/$name" ] && [ ! -L "$target/$name" ]; then
            kilnLinkTree "$entry" "$target/$name" "$mode"
        elif [ -e "$target/$name" ] || [ -L "$target/$name" ]; then
            if [ "$entry" -ef "$target/$name" ]; then continue; fi
            if [ -L "$target/$name" ]; then existing=$(readlink "$target/$name"); else existing="$target/$name"; fi
            case "$mode" in
            first) ;;
            warn) echo "warning: collision between '$existing' and '$entry'; keeping '$existing'" >&2 ;;
            *)
                echo "error: collision between '$existing' and '$entry'" >&2
                kilnLinkCollisions=$((kilnLinkCollisions + 1))
                ;;
            esac
        else
            ln -s "$entry" "$target/$name"
        fi
    done
}

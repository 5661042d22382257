# Kiln's standard environment: the phases of a build and the helpers they use.
#
# Every `stdenv.mkDerivation` builder runs `source $stdenv/setup; genericBuild`.
# The phase model is nixpkgs': the same phases (unpack, patch, configure,
# build, check, install, fixup, installCheck, dist), the same variables to
# override or skip them (`configurePhase`, `dontConfigure`, `phases`, …), the
# same pre/post hooks run by `runHook`, and the same helper names
# (`patchShebangs`, `substituteInPlace`, `stripHash`, `addToSearchPath`, …).
# The code is Kiln's own, and simpler: there is no cross-compilation, so every
# dependency is treated alike, and the tools come from the host (see
# KILN_HOST_PATH below and docs/pkgs.md), not from the store.
#
# The stdenv derivation writes a few lines before this file: KILN_HOST_PATH
# (where the host's tools are, e.g. /usr/bin:/bin) and SHELL (/bin/bash).

set -eo pipefail
shopt -s extglob

: "${KILN_HOST_PATH:=/usr/bin:/bin}"
: "${SHELL:=/bin/bash}"
export SHELL

# Builds should not depend on the date, the host's language or its time zone
# (`kiln build --check` rebuilds and compares bit for bit). SOURCE_DATE_EPOCH
# is here as in nixpkgs' setup.sh, not in the realiser, so that a builder's
# environment stays Nix's exactly; the sandbox has no /etc/localtime either.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-315532800}"
export LC_ALL="${LC_ALL:-C}"
export TZ="${TZ:-UTC}"
export GZIP_NO_TIMESTAMPS=1

######################################################################
# Small helpers

# Prints a message to the build log.
kilnLog() {
    echo "$*" >&2
}

# Prints an error and fails the build.
kilnDie() {
    echo "error: $*" >&2
    exit 1
}

# addToSearchPath VAR DIR: appends DIR to the colon-separated list in VAR.
addToSearchPath() {
    local name=$1 dir=$2
    if [ -z "${!name-}" ]; then
        export "$name=$dir"
    else
        export "$name=${!name}:$dir"
    fi
}

# stripHash PATH: the name of a store path without its directory and hash.
stripHash() {
    local name=${1##*/}
    if [[ $name =~ ^[0-9a-z]{32}- ]]; then
        name=${name:33}
    fi
    echo "$name"
}

# _kilnCollect ARRAY VAR...: appends to ARRAY the items of each VAR: a bash
# array's elements (structured attributes) or a string's space-separated words.
_kilnCollect() {
    local -n _kilnCollectInto=$1
    shift
    local _kilnVar _kilnDecl _kilnWords
    for _kilnVar in "$@"; do
        _kilnDecl=$(declare -p "$_kilnVar" 2>/dev/null) || continue
        if [[ $_kilnDecl =~ ^declare\ -[a-zA-Z]*a ]]; then
            local -n _kilnArray=$_kilnVar
            _kilnCollectInto+=("${_kilnArray[@]}")
            unset -n _kilnArray
        else
            IFS=$' \t\n' read -r -d '' -a _kilnWords <<<"${!_kilnVar}" || true
            _kilnCollectInto+=("${_kilnWords[@]}")
        fi
    done
}

# isELF FILE: whether FILE is an ELF object (a program or shared library).
isELF() {
    local magic=
    [ -f "$1" ] || return 1
    LC_ALL=C read -r -n 4 -d '' magic <"$1" 2>/dev/null || true
    [ "$magic" = $'\177ELF' ]
}

######################################################################
# Structured attributes and outputs

if [ -n "${NIX_ATTRS_SH_FILE-}" ] && [ -e "$NIX_ATTRS_SH_FILE" ]; then
    # shellcheck source=/dev/null
    source "$NIX_ATTRS_SH_FILE"
    # Structured attributes give `outputs` as a map from name to path.
    for _kilnOutput in "${!outputs[@]}"; do
        export "$_kilnOutput=${outputs[$_kilnOutput]}"
    done
    unset _kilnOutput
fi

# The names of this derivation's outputs, one per line.
kilnOutputNames() {
    if [[ $(declare -p outputs 2>/dev/null) =~ ^declare\ -[a-zA-Z]*A ]]; then
        printf '%s\n' "${!outputs[@]}"
    else
        local names=()
        _kilnCollect names outputs
        [ ${#names[@]} -gt 0 ] || names=(out)
        printf '%s\n' "${names[@]}"
    fi
}

: "${out:?the derivation has no 'out' output}"
: "${prefix:=$out}"

######################################################################
# Hooks
#
# `runHook NAME` runs the hook NAME itself (a shell function called NAME, or
# else shell text in the variable NAME, e.g. preConfigure="…"), then every
# command in the array NAMEHooks (e.g. preConfigureHooks+=(myFunction)), which
# setup hooks of dependencies add to.

_kilnEval() {
    local code=$1
    shift
    if [ "$(type -t "$code")" = function ]; then
        "$code" "$@"
    else
        eval "$code"
    fi
}

runHook() {
    local hookName=$1
    shift
    if [ "$(type -t "$hookName")" = function ]; then
        "$hookName" "$@"
    elif [ -n "${!hookName-}" ]; then
        eval "${!hookName}"
    fi
    local hooks=()
    _kilnCollect hooks "${hookName}Hooks"
    local hook
    for hook in "${hooks[@]}"; do
        _kilnEval "$hook" "$@"
    done
    return 0
}

# addEnvHooks [OFFSET] FUNCTION: call FUNCTION with each dependency's path.
envHooks=()
addEnvHooks() {
    envHooks+=("${@: -1}")
}

######################################################################
# Dependencies
#
# Every input (nativeBuildInputs, buildInputs, their propagated variants, and
# whatever those propagate through nix-support/propagated-build-inputs, at
# any depth) contributes its bin/ to PATH, its lib/pkgconfig and
# share/pkgconfig to PKG_CONFIG_PATH, its include/ and lib/ to the compiler
# flags, and runs its nix-support/setup-hook. The host's gcc is not wrapped as
# nixpkgs' is, so the flags are exported in the variables plain gcc, make and
# ./configure read: CPPFLAGS and LDFLAGS, and gcc's own C_INCLUDE_PATH,
# CPLUS_INCLUDE_PATH, LIBRARY_PATH and LD_RUN_PATH (read by every gcc call,
# even from a Makefile that ignores CPPFLAGS). NIX_CFLAGS_COMPILE and
# NIX_LDFLAGS hold the same in nixpkgs' form, and their values on entry are
# passed on through CPPFLAGS and LDFLAGS.

kilnInputs=()
declare -A _kilnSeenInputs=()

_kilnFindInputs() {
    local pkg=$1
    [ -z "${_kilnSeenInputs[$pkg]-}" ] || return 0
    _kilnSeenInputs[$pkg]=1
    if [ ! -e "$pkg" ]; then
        kilnDie "dependency '$pkg' does not exist"
    fi
    kilnInputs+=("$pkg")
    local file dep propagated
    for file in propagated-native-build-inputs propagated-build-inputs; do
        if [ -f "$pkg/nix-support/$file" ]; then
            propagated=()
            IFS=$' \t\n' read -r -d '' -a propagated <"$pkg/nix-support/$file" || true
            for dep in "${propagated[@]}"; do
                _kilnFindInputs "$dep"
            done
        fi
    done
}

# Whether DIR holds shared libraries (which need an rpath entry at run time).
_kilnHasSharedLibraries() {
    local file
    for file in "$1"/*.so "$1"/*.so.*; do
        [ -e "$file" ] && return 0
    done
    return 1
}

# A Debian package among the inputs (deb.package("libssl-dev")): its
# headers, libraries and pkg-config files are in the build root already, and
# its programs' wrappers need bubblewrap, which builds do not have. Each
# library directory of its closure gets a run path, so that a program linked
# against its libraries finds them in the store on any host (and they are in
# its runtime closure); fixupPhase then drops, with patchelf, the ones the
# program does not load, as nixpkgs does. The C library gets none: the host's
# loader must load its own.
_kilnAddDebianInput() {
    local tree dir
    while IFS= read -r tree; do
        case "$tree" in *-libc6-[0-9]*) continue ;; esac
        for dir in "$tree/lib/x86_64-linux-gnu" "$tree/usr/lib/x86_64-linux-gnu"; do
            if [ -d "$dir" ] && _kilnHasSharedLibraries "$dir"; then
                NIX_LDFLAGS+=" -rpath $dir"
                LDFLAGS+=" -Wl,-rpath,$dir"
                addToSearchPath LD_RUN_PATH "$dir"
                _kilnShrinkRunPaths=1
            fi
        done
    done <"$1/kiln-debian/closure"
}

_kilnInputPath=
_kilnAddInputEnv() {
    local pkg=$1
    if [ -f "$pkg/kiln-debian/closure" ] && [ -f "$pkg/kiln-debian/package" ]; then
        _kilnAddDebianInput "$pkg"
        return 0
    fi
    if [ -d "$pkg/bin" ]; then
        _kilnInputPath=${_kilnInputPath:+$_kilnInputPath:}$pkg/bin
    fi
    local dir
    for dir in "$pkg/lib/pkgconfig" "$pkg/share/pkgconfig"; do
        [ -d "$dir" ] && addToSearchPath PKG_CONFIG_PATH "$dir"
    done
    if [ -d "$pkg/include" ]; then
        NIX_CFLAGS_COMPILE+=" -isystem $pkg/include"
        CPPFLAGS+=" -isystem $pkg/include"
        addToSearchPath C_INCLUDE_PATH "$pkg/include"
        addToSearchPath CPLUS_INCLUDE_PATH "$pkg/include"
    fi
    if [ -d "$pkg/lib" ]; then
        NIX_LDFLAGS+=" -L$pkg/lib"
        LDFLAGS+=" -L$pkg/lib"
        addToSearchPath LIBRARY_PATH "$pkg/lib"
        if _kilnHasSharedLibraries "$pkg/lib"; then
            NIX_LDFLAGS+=" -rpath $pkg/lib"
            LDFLAGS+=" -Wl,-rpath,$pkg/lib"
            addToSearchPath LD_RUN_PATH "$pkg/lib"
        fi
    fi
}

_kilnSetUpInputs() {
    # Flags given by the derivation come first, so that a package's own
    # -I/-L win over its dependencies'.
    NIX_CFLAGS_COMPILE=${NIX_CFLAGS_COMPILE-}
    NIX_LDFLAGS=${NIX_LDFLAGS-}
    CPPFLAGS="${CPPFLAGS-}${NIX_CFLAGS_COMPILE:+ $NIX_CFLAGS_COMPILE}"
    LDFLAGS=${LDFLAGS-}
    local flag
    for flag in $NIX_LDFLAGS; do
        LDFLAGS+=" -Wl,$flag"
    done

    local roots=() pkg
    _kilnCollect roots nativeBuildInputs propagatedNativeBuildInputs buildInputs propagatedBuildInputs
    for pkg in "${roots[@]}"; do
        _kilnFindInputs "$pkg"
    done
    for pkg in "${kilnInputs[@]}"; do
        if [ -f "$pkg/nix-support/setup-hook" ]; then
            # shellcheck source=/dev/null
            source "$pkg/nix-support/setup-hook"
        fi
    done
    local hook
    for pkg in "${kilnInputs[@]}"; do
        _kilnAddInputEnv "$pkg"
        for hook in "${envHooks[@]}"; do
            "$hook" "$pkg"
        done
    done
    # A package's own shared libraries are found at run time too.
    if [ -z "${NIX_NO_SELF_RPATH-}" ]; then
        LDFLAGS+=" -Wl,-rpath,$out/lib"
        addToSearchPath LD_RUN_PATH "$out/lib"
    fi

    export PATH="${_kilnInputPath:+$_kilnInputPath:}$KILN_HOST_PATH"
    NIX_CFLAGS_COMPILE=${NIX_CFLAGS_COMPILE# }
    NIX_LDFLAGS=${NIX_LDFLAGS# }
    CPPFLAGS=${CPPFLAGS# }
    LDFLAGS=${LDFLAGS# }
    export NIX_CFLAGS_COMPILE NIX_LDFLAGS CPPFLAGS LDFLAGS
    # Empty search paths would mean "the current directory" to gcc: export only the set ones.
    local var
    for var in PKG_CONFIG_PATH C_INCLUDE_PATH CPLUS_INCLUDE_PATH LIBRARY_PATH LD_RUN_PATH; do
        if [ -n "${!var-}" ]; then
            export "${var?}"
        fi
    done
    export CC="${CC:-cc}" CXX="${CXX:-c++}"
}

_kilnSetUpInputs

######################################################################
# Text substitution

# substitute IN OUT ARGS…: copies IN to OUT, replacing text as ARGS say:
#   --replace-fail FROM TO   (fails if FROM does not occur)
#   --replace-warn FROM TO   (warns if FROM does not occur)
#   --replace-quiet FROM TO, --replace FROM TO
#   --subst-var NAME         (@NAME@ becomes the value of $NAME)
#   --subst-var-by NAME VAL  (@NAME@ becomes VAL)
substitute() {
    local input=$1 output=$2
    shift 2
    [ -f "$input" ] || kilnDie "substitute: file '$input' does not exist"
    local content=
    IFS= read -r -d '' content <"$input" || true
    while [ $# -gt 0 ]; do
        case "$1" in
        --replace-fail | --replace-warn | --replace-quiet | --replace)
            [ $# -ge 3 ] || kilnDie "substitute: '$1' needs two arguments"
            local from=$2 to=$3 mode=$1
            shift 3
            if [[ $content != *"$from"* ]]; then
                case "$mode" in
                --replace-fail) kilnDie "substitute: pattern '$from' doesn't match anything in file '$input'" ;;
                --replace-warn) kilnLog "warning: substitute: pattern '$from' doesn't match anything in file '$input'" ;;
                esac
            fi
            content=${content//"$from"/"$to"}
            ;;
        --subst-var)
            [ $# -ge 2 ] || kilnDie "substitute: '--subst-var' needs a variable name"
            local name=$2
            shift 2
            [[ $name =~ ^[a-zA-Z_][a-zA-Z0-9_]*$ ]] || kilnDie "substitute: '$name' is not a variable name"
            [ -n "${!name+set}" ] || kilnDie "substitute: variable '$name' is unset"
            content=${content//"@$name@"/"${!name}"}
            ;;
        --subst-var-by)
            [ $# -ge 3 ] || kilnDie "substitute: '--subst-var-by' needs a name and a value"
            content=${content//"@$2@"/"$3"}
            shift 3
            ;;
        *)
            kilnDie "substitute: unknown argument '$1'"
            ;;
        esac
    done
    printf '%s' "$content" >"$output"
}

# substituteInPlace FILE… ARGS…: substitute each FILE into itself.
substituteInPlace() {
    local files=()
    while [ $# -gt 0 ] && [[ $1 != --* ]]; do
        files+=("$1")
        shift
    done
    local file
    for file in "${files[@]}"; do
        substitute "$file" "$file" "$@"
    done
}

# substituteAll IN OUT: replaces @name@ with $name for every exported
# variable whose name starts with a lower-case letter.
substituteAll() {
    local args=() name
    for name in $(compgen -e); do
        if [[ $name =~ ^[a-z][a-zA-Z0-9_]*$ ]]; then
            args+=(--subst-var-by "$name" "${!name}")
        fi
    done
    substitute "$1" "$2" "${args[@]}"
}

######################################################################
# Shebangs
#
# patchShebangs rewrites the `#!` line of executable files so that scripts do
# not depend on /usr/bin/env: `#!/usr/bin/env prog` becomes the `prog` found
# on PATH, i.e. a dependency's store path if one provides it, else the
# host's. Host shells are written /bin/bash and /bin/sh, which exist on every
# Linux system, merged /usr or not. An absolute interpreter (#!/usr/bin/perl)
# is replaced only by a dependency's program of the same name; otherwise the
# host path stays as written.

_kilnFindInterpreter() {
    local name=$1 found
    found=$(type -P "$name") || return 1
    if [[ $found != "$NIX_STORE"/* ]]; then
        case "$name" in
        bash | sh) [ -x "/bin/$name" ] && found=/bin/$name ;;
        esac
    fi
    echo "$found"
}

_kilnPatchShebang() {
    local file=$1 line=
    IFS= read -r line <"$file" || [ -n "$line" ] || return 0
    [[ $line == "#!"* ]] || return 0
    local directive=${line#\#!}
    directive=${directive##+([[:space:]])}
    local interpreter arguments=
    read -r interpreter arguments <<<"$directive" || true
    local newInterpreter newArguments
    if [[ $interpreter == */bin/env ]]; then
        [[ $arguments == "-S "* ]] && arguments=${arguments#-S }
        local program rest=
        read -r program rest <<<"$arguments" || true
        if [ -z "$program" ] || [[ $program == -* || $program == *=* ]]; then
            kilnLog "patchShebangs: $file: cannot handle '#!$directive', leaving it"
            return 0
        fi
        if ! newInterpreter=$(_kilnFindInterpreter "$program"); then
            kilnLog "patchShebangs: $file: '$program' is not on PATH, leaving '#!$directive'"
            return 0
        fi
        newArguments=$rest
    elif [[ $interpreter == "$NIX_STORE"/* ]]; then
        return 0
    else
        local found
        found=$(_kilnFindInterpreter "${interpreter##*/}") || return 0
        [[ $found == "$NIX_STORE"/* ]] || return 0
        newInterpreter=$found
        newArguments=$arguments
    fi
    local newLine="#!$newInterpreter${newArguments:+ $newArguments}"
    [ "$newLine" != "$line" ] || return 0
    echo "$file: interpreter directive changed from \"$line\" to \"$newLine\""
    local timestamp rewritten
    timestamp=$(mktemp)
    rewritten=$(mktemp)
    touch -r "$file" "$timestamp"
    {
        printf '%s\n' "$newLine"
        tail -n +2 "$file"
    } >"$rewritten"
    # Writing into the file (rather than replacing it) keeps its mode.
    if [ ! -w "$file" ]; then
        chmod u+w "$file"
        cat "$rewritten" >"$file"
        chmod u-w "$file"
    else
        cat "$rewritten" >"$file"
    fi
    touch -r "$timestamp" "$file"
    rm -f "$timestamp" "$rewritten"
}

# patchShebangs PATH…: rewrites the interpreter of every executable file under PATH.
patchShebangs() {
    [[ ${1-} == --build || ${1-} == --host ]] && shift
    local file
    while IFS= read -r -d '' file; do
        _kilnPatchShebang "$file"
    done < <(find "$@" -type f -perm -0100 -print0)
}

######################################################################
# Phases

# Whether there is a Makefile to run (or `makefile`/`makeFlags` name one).
_kilnHasMakefile() {
    [ -n "${makefile-}" ] || [ -n "${makeFlags-}" ] || [ -e Makefile ] || [ -e makefile ] || [ -e GNUmakefile ]
}

# The flags every make call gets: -f, -j, SHELL and makeFlags.
_kilnMakeFlags() {
    local -n _kilnFlags=$1
    if [ -n "${makefile-}" ]; then _kilnFlags+=(-f "$makefile"); fi
    if [ -n "${enableParallelBuilding-}" ]; then _kilnFlags+=("-j${NIX_BUILD_CORES:-1}"); fi
    _kilnFlags+=("SHELL=$SHELL")
    _kilnCollect _kilnFlags makeFlags
}

# Unpacks one source: a directory is copied, an archive extracted.
_kilnUnpackFile() {
    local file=$1
    echo "unpacking source archive $file"
    if [ -n "${unpackCmd-}" ]; then
        curSrc=$file
        eval "$unpackCmd"
        return
    fi
    if [ -d "$file" ]; then
        cp -r --preserve=mode,timestamps -- "$file" "$(stripHash "$file")"
        return
    fi
    case "$file" in
    *.zip | *.ZIP | *.jar)
        command -v unzip >/dev/null || kilnDie "cannot unpack '$file': unzip is not installed on the host"
        unzip -qq "$file"
        ;;
    *)
        # GNU tar recognises gzip, bzip2 and xz compression by itself.
        tar xf "$file" --warning=no-timestamp --no-same-owner || kilnDie "do not know how to unpack source archive '$file'"
        ;;
    esac
}

unpackPhase() {
    runHook preUnpack
    local sources=()
    _kilnCollect sources srcs
    if [ ${#sources[@]} -eq 0 ]; then
        [ -n "${src-}" ] || kilnDie "variable \$src or \$srcs should point to the source"
        sources=("$src")
    fi

    local before=() entry
    shopt -s nullglob dotglob
    before=(*)
    shopt -u nullglob dotglob
    for entry in "${sources[@]}"; do
        _kilnUnpackFile "$entry"
    done

    if [ -z "${sourceRoot-}" ] && [ -n "${setSourceRoot-}" ]; then
        runHook setSourceRoot
    fi
    if [ -z "${sourceRoot-}" ]; then
        local created=() old isNew
        shopt -s nullglob dotglob
        for entry in *; do
            [ -d "$entry" ] || continue
            isNew=1
            for old in "${before[@]}"; do
                [ "$old" = "$entry" ] && isNew=
            done
            [ -n "$isNew" ] && created+=("$entry")
        done
        shopt -u nullglob dotglob
        case ${#created[@]} in
        0) kilnDie "unpacker produced no directory" ;;
        1) sourceRoot=${created[0]} ;;
        *) kilnDie "unpacker produced several directories (${created[*]}); set sourceRoot" ;;
        esac
    fi
    echo "source root is $sourceRoot"
    # Sources copied from the store are read-only.
    if [ -z "${dontMakeSourcesWritable-}" ]; then
        chmod -R u+w -- "$sourceRoot"
    fi
    runHook postUnpack
}

patchPhase() {
    runHook prePatch
    local patchList=() flags=() file
    _kilnCollect patchList patches
    _kilnCollect flags patchFlags
    [ ${#flags[@]} -gt 0 ] || flags=(-p1)
    for file in "${patchList[@]}"; do
        echo "applying patch $file"
        local decompress=(cat)
        case "$file" in
        *.gz) decompress=(gzip -d) ;;
        *.bz2) decompress=(bzip2 -d) ;;
        *.xz) decompress=(xz -d) ;;
        esac
        "${decompress[@]}" <"$file" | patch "${flags[@]}"
    done
    runHook postPatch
}

configurePhase() {
    runHook preConfigure
    local script=${configureScript-}
    if [ -z "$script" ] && [ -x ./configure ]; then
        script=./configure
    fi
    if [ -n "$script" ]; then
        local flags=()
        if [ -z "${dontAddPrefix-}" ]; then
            flags+=("${prefixKey:---prefix=}$prefix")
        fi
        if [ -z "${dontDisableDependencyTracking-}" ] && [ -f "$script" ] && grep -q dependency-tracking "$script"; then
            flags+=(--disable-dependency-tracking)
        fi
        _kilnCollect flags configureFlags
        echo "configure flags: ${flags[*]}"
        # configureScript may be a command with words, as in nixpkgs.
        $script "${flags[@]}"
    else
        echo "no configure script, doing nothing"
    fi
    runHook postConfigure
}

buildPhase() {
    runHook preBuild
    if _kilnHasMakefile; then
        local flags=()
        _kilnMakeFlags flags
        _kilnCollect flags buildFlags
        echo "build flags: ${flags[*]}"
        make "${flags[@]}"
    else
        echo "no Makefile or custom buildPhase, doing nothing"
    fi
    runHook postBuild
}

checkPhase() {
    runHook preCheck
    if _kilnHasMakefile; then
        local flags=() target=${checkTarget-}
        _kilnMakeFlags flags
        if [ -z "$target" ]; then
            if make -n "${flags[@]}" check >/dev/null 2>&1; then
                target=check
            elif make -n "${flags[@]}" test >/dev/null 2>&1; then
                target=test
            fi
        fi
        if [ -n "$target" ]; then
            _kilnCollect flags checkFlags
            echo "check flags: ${flags[*]} $target"
            make "${flags[@]}" "$target"
        else
            echo "no 'check' or 'test' target in the Makefile, doing nothing"
        fi
    else
        echo "no Makefile or custom checkPhase, doing nothing"
    fi
    runHook postCheck
}

installPhase() {
    runHook preInstall
    if [ -n "$prefix" ]; then
        mkdir -p "$prefix"
    fi
    if _kilnHasMakefile; then
        local flags=() targets=()
        _kilnMakeFlags flags
        _kilnCollect flags installFlags
        _kilnCollect targets installTargets
        [ ${#targets[@]} -gt 0 ] || targets=(install)
        echo "install flags: ${flags[*]} ${targets[*]}"
        make "${flags[@]}" "${targets[@]}"
    else
        echo "no Makefile or custom installPhase, doing nothing"
    fi
    runHook postInstall
}

# Removes DIR and its parents while they are empty, up to (not including) ROOT.
_kilnRemoveEmptyParents() {
    local dir=$1 root=$2
    while [ "$dir" != "$root" ] && [[ $dir == "$root"/* ]] && rmdir "$dir" 2>/dev/null; do
        dir=$(dirname "$dir")
    done
}

# moveToOutput PATTERN OUTPUT: moves $prefix/PATTERN (a glob) into output OUTPUT's path.
moveToOutput() {
    local pattern=$1 destination=$2 output path
    local target=${!destination-}
    [ -n "$target" ] || kilnDie "moveToOutput: no output named '$destination'"
    for output in $(kilnOutputNames); do
        [ "${!output}" != "$target" ] || continue
        shopt -s nullglob
        for path in "${!output}"/$pattern; do
            # A pattern without wildcards stays as it is even when nothing matches.
            [ -e "$path" ] || [ -L "$path" ] || continue
            local relative=${path#"${!output}"/}
            echo "moving ${!output}/$relative to $target/$relative"
            mkdir -p "$target/$(dirname "$relative")"
            if [ -d "$target/$relative" ] && [ -d "$path" ]; then
                cp -a "$path"/. "$target/$relative"/
                rm -rf "$path"
            else
                mv "$path" "$target/$relative"
            fi
            _kilnRemoveEmptyParents "$(dirname "$path")" "${!output}"
        done
        shopt -u nullglob
    done
}

# Old-style $prefix/man, $prefix/doc and $prefix/info move to $prefix/share/…
_kilnMoveToShare() {
    local dirs=() dir
    _kilnCollect dirs forceShare
    [ ${#dirs[@]} -gt 0 ] || dirs=(man doc info)
    for dir in "${dirs[@]}"; do
        [ -d "$prefix/$dir" ] || continue
        if [ -L "$prefix/$dir" ]; then continue; fi
        echo "moving $prefix/$dir to $prefix/share/$dir"
        mkdir -p "$prefix/share"
        if [ -d "$prefix/share/$dir" ]; then
            cp -a "$prefix/$dir"/. "$prefix/share/$dir"/
            rm -rf "${prefix:?}/$dir"
        else
            mv "$prefix/$dir" "$prefix/share/$dir"
        fi
    done
}

# Strips debugging information (stripDebugList, -S) and all symbols
# (stripAllList, -s) from the ELF files and static archives of $prefix.
_kilnStrip() {
    local debugDirs=() allDirs=() debugFlags=() allFlags=()
    _kilnCollect debugDirs stripDebugList
    [ -n "${stripDebugList+set}" ] || debugDirs=(lib lib32 lib64 libexec bin sbin)
    _kilnCollect allDirs stripAllList
    _kilnCollect debugFlags stripDebugFlags
    [ ${#debugFlags[@]} -gt 0 ] || debugFlags=(-S)
    _kilnCollect allFlags stripAllFlags
    [ ${#allFlags[@]} -gt 0 ] || allFlags=(-s)
    _kilnStripDirs debugFlags "${debugDirs[@]}"
    _kilnStripDirs allFlags "${allDirs[@]}"
}

_kilnStripDirs() {
    local -n _kilnStripFlags=$1
    shift
    local dir file
    for dir in "$@"; do
        [ -e "$prefix/$dir" ] || continue
        echo "stripping (with ${_kilnStripFlags[*]}) in $prefix/$dir"
        while IFS= read -r -d '' file; do
            if isELF "$file" || [[ $file == *.a ]]; then
                "${STRIP:-strip}" "${_kilnStripFlags[@]}" "$file" 2>/dev/null || kilnLog "warning: could not strip $file"
            fi
        done < <(find "$prefix/$dir" -type f -print0)
    done
}

# Drops from the run path of each ELF file of $prefix the directories that
# provide none of the libraries it needs (patchelf --shrink-rpath), so that
# its runtime closure holds what it loads, not every library of its inputs.
_kilnShrinkRunPath() {
    command -v patchelf >/dev/null || return 0
    local file
    while IFS= read -r -d '' file; do
        if isELF "$file"; then
            patchelf --shrink-rpath "$file" 2>/dev/null || kilnLog "warning: could not shrink the run path of $file"
        fi
    done < <(find "$prefix" -type f \( -perm -u+x -o -name '*.so*' \) -print0)
}

# The default placement for the files of extra outputs, as nixpkgs does:
# headers and pkg-config files to `dev`, manuals to `man`, documentation to
# `doc`, info pages to `info`.
_kilnMoveToOutputs() {
    local names
    names=$(kilnOutputNames)
    if [[ $'\n'$names$'\n' == *$'\n'dev$'\n'* ]]; then
        moveToOutput include dev
        moveToOutput lib/pkgconfig dev
        moveToOutput share/pkgconfig dev
        moveToOutput share/aclocal dev
    fi
    if [[ $'\n'$names$'\n' == *$'\n'man$'\n'* ]]; then moveToOutput share/man man; fi
    if [[ $'\n'$names$'\n' == *$'\n'doc$'\n'* ]]; then moveToOutput share/doc doc; fi
    if [[ $'\n'$names$'\n' == *$'\n'info$'\n'* ]]; then moveToOutput share/info info; fi
}

# Writes a nix-support file listing store paths, if there are any.
_kilnWriteSupportFile() {
    local directory=$1 file=$2
    shift 2
    [ $# -gt 0 ] || return 0
    mkdir -p "$directory/nix-support"
    printf '%s ' "$@" >>"$directory/nix-support/$file"
}

fixupPhase() {
    local output
    for output in $(kilnOutputNames); do
        if [ -e "${!output}" ]; then chmod -R u+w "${!output}"; fi
    done
    runHook preFixup

    local savedPrefix=$prefix
    for output in $(kilnOutputNames); do
        prefix=${!output}
        [ -e "$prefix" ] || continue
        _kilnMoveToShare
    done
    prefix=$savedPrefix
    _kilnMoveToOutputs

    for output in $(kilnOutputNames); do
        prefix=${!output}
        # Every declared output must exist, even if nothing was put in it.
        if [ ! -e "$prefix" ] && [ ! -L "$prefix" ]; then mkdir -p "$prefix"; fi
        if [ -z "${dontPatchShebangs-}" ]; then
            patchShebangs "$prefix"
        fi
        if [ -z "${dontStrip-}" ]; then
            _kilnStrip
        fi
        if [ -n "${_kilnShrinkRunPaths-}" ]; then
            _kilnShrinkRunPath
        fi
        runHook fixupOutput
    done
    prefix=$savedPrefix

    recordPropagatedDependencies
    if [ -n "${setupHook-}" ]; then
        mkdir -p "${dev:-$out}/nix-support"
        substituteAll "$setupHook" "${dev:-$out}/nix-support/setup-hook"
    fi

    runHook postFixup
}

# Writes propagatedBuildInputs and propagatedNativeBuildInputs to
# nix-support/propagated-build-inputs and propagated-native-build-inputs
# (of `dev` if there is one, which then propagates `out` too), where
# dependents find them, at any depth. fixupPhase calls it; a custom
# buildCommand that propagates must call it itself.
recordPropagatedDependencies() {
    local supportDir=${dev:-$out} propagated=()
    _kilnCollect propagated propagatedBuildInputs
    if [ "$supportDir" != "$out" ]; then propagated+=("$out"); fi
    _kilnWriteSupportFile "$supportDir" propagated-build-inputs "${propagated[@]}"
    propagated=()
    _kilnCollect propagated propagatedNativeBuildInputs
    _kilnWriteSupportFile "$supportDir" propagated-native-build-inputs "${propagated[@]}"
}

installCheckPhase() {
    runHook preInstallCheck
    if _kilnHasMakefile; then
        local flags=()
        _kilnMakeFlags flags
        _kilnCollect flags installCheckFlags
        make "${flags[@]}" "${installCheckTarget:-installcheck}"
    else
        echo "no Makefile or custom installCheckPhase, doing nothing"
    fi
    runHook postInstallCheck
}

distPhase() {
    runHook preDist
    local flags=()
    _kilnMakeFlags flags
    _kilnCollect flags distFlags
    make "${flags[@]}" "${distTarget:-dist}"
    if [ -z "${dontCopyDist-}" ]; then
        mkdir -p "$out/tarballs"
        cp -pvd ${tarballs:-*.tar.gz} "$out/tarballs"
    fi
    runHook postDist
}

######################################################################
# The build

# Whether phase $1 is turned off by its dont… or do… variable.
_kilnSkipPhase() {
    case "$1" in
    unpackPhase) [ -n "${dontUnpack-}" ] ;;
    patchPhase) [ -n "${dontPatch-}" ] ;;
    configurePhase) [ -n "${dontConfigure-}" ] ;;
    buildPhase) [ -n "${dontBuild-}" ] ;;
    checkPhase) [ -z "${doCheck-}" ] ;;
    installPhase) [ -n "${dontInstall-}" ] ;;
    fixupPhase) [ -n "${dontFixup-}" ] ;;
    installCheckPhase) [ -z "${doInstallCheck-}" ] ;;
    distPhase) [ -z "${doDist-}" ] ;;
    *) return 1 ;;
    esac
}

# genericBuild: runs `buildCommand` if there is one, else every phase in turn.
genericBuild() {
    if [ -f "${buildCommandPath-}" ]; then
        # shellcheck source=/dev/null
        source "$buildCommandPath"
        return
    fi
    if [ -n "${buildCommand-}" ]; then
        eval "$buildCommand"
        return
    fi

    local phaseList=()
    if [ -n "${phases-}" ]; then
        _kilnCollect phaseList phases
    else
        _kilnCollect phaseList prePhases
        phaseList+=(unpackPhase patchPhase)
        _kilnCollect phaseList preConfigurePhases
        phaseList+=(configurePhase)
        _kilnCollect phaseList preBuildPhases
        phaseList+=(buildPhase checkPhase)
        _kilnCollect phaseList preInstallPhases
        phaseList+=(installPhase)
        _kilnCollect phaseList preFixupPhases
        phaseList+=(fixupPhase installCheckPhase)
        _kilnCollect phaseList preDistPhases
        phaseList+=(distPhase)
        _kilnCollect phaseList postPhases
    fi

    local curPhase
    for curPhase in "${phaseList[@]}"; do
        if _kilnSkipPhase "$curPhase"; then continue; fi
        echo "Running phase: $curPhase"
        # A variable of the phase's name (configurePhase="…") replaces the default function.
        if [ -n "${!curPhase-}" ]; then
            eval "${!curPhase}"
        else
            "$curPhase"
        fi
        if [ "$curPhase" = unpackPhase ]; then
            cd -- "${sourceRoot:-.}"
        fi
    done
}

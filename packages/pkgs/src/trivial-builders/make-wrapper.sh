# The setup hook of `makeWrapper`: packages with it in nativeBuildInputs can
# call `makeWrapper` and `wrapProgram` in their phases, as in nixpkgs.
#
# makeWrapper EXECUTABLE WRAPPER ARGS…: writes WRAPPER, a bash script that
# prepares the environment, then runs EXECUTABLE with its arguments.
# wrapProgram PROGRAM ARGS…: moves PROGRAM to .PROGRAM-wrapped and puts such
# a wrapper in its place. ARGS:
#   --set VAR VALUE          export VAR=VALUE
#   --set-default VAR VALUE  export VAR=VALUE unless VAR is set
#   --unset VAR              unset VAR
#   --prefix VAR SEP VALUE   VAR=VALUE, followed by SEP and the old value if any
#   --suffix VAR SEP VALUE   VAR=the old value and SEP if any, followed by VALUE
#   --run COMMAND            run shell COMMAND
#   --chdir DIR              cd to DIR
#   --add-flags FLAGS        pass FLAGS (split into words) before the arguments
#   --append-flags FLAGS     pass FLAGS after the arguments
#   --argv0 NAME             run EXECUTABLE with NAME as $0
#   --inherit-argv0          run EXECUTABLE with the wrapper's $0

makeWrapper() {
    local original=$1 wrapper=$2
    shift 2
    if [ ! -x "$original" ]; then
        echo "error: makeWrapper: '$original' does not exist or is not executable" >&2
        return 1
    fi
    local lines=() flagsBefore="" flagsAfter="" argv0=""
    while [ $# -gt 0 ]; do
        case "$1" in
        --set | --set-default)
            [ $# -ge 3 ] || { echo "error: makeWrapper: $1 needs a name and a value" >&2; return 1; }
            if [ "$1" = --set ]; then
                lines+=("export $2=$(printf '%q' "$3")")
            else
                lines+=("export $2=\${$2-$(printf '%q' "$3")}")
            fi
            shift 3
            ;;
        --unset)
            [ $# -ge 2 ] || { echo "error: makeWrapper: --unset needs a name" >&2; return 1; }
            lines+=("unset $2")
            shift 2
            ;;
        --prefix | --suffix)
            [ $# -ge 4 ] || { echo "error: makeWrapper: $1 needs a name, a separator and a value" >&2; return 1; }
            local var=$2 separator value
            separator=$(printf '%q' "$3")
            value=$(printf '%q' "$4")
            if [ "$1" = --prefix ]; then
                lines+=("$var=$value\${$var:+$separator}\${$var-}" "export $var")
            else
                lines+=("$var=\${$var-}\${$var:+$separator}$value" "export $var")
            fi
            shift 4
            ;;
        --run)
            lines+=("$2")
            shift 2
            ;;
        --chdir)
            lines+=("cd $(printf '%q' "$2")")
            shift 2
            ;;
        --add-flags)
            flagsBefore+=" $2"
            shift 2
            ;;
        --append-flags)
            flagsAfter+=" $2"
            shift 2
            ;;
        --argv0)
            argv0="-a $(printf '%q' "$2") "
            shift 2
            ;;
        --inherit-argv0)
            argv0='-a "$0" '
            shift
            ;;
        *)
            echo "error: makeWrapper: unknown argument '$1'" >&2
            return 1
            ;;
        esac
    done
    mkdir -p "$(dirname "$wrapper")"
    {
        echo "#!@shell@ -e"
        local line
        for line in "${lines[@]}"; do
            echo "$line"
        done
        echo "exec ${argv0}$(printf '%q' "$original")${flagsBefore} \"\$@\"${flagsAfter}"
    } >"$wrapper"
    chmod +x "$wrapper"
}

wrapProgram() {
    local program=$1
    shift
    local hidden
    hidden="$(dirname "$program")/.$(basename "$program")-wrapped"
    while [ -e "$hidden" ]; do
        hidden="${hidden}_"
    done
    mv "$program" "$hidden"
    makeWrapper "$hidden" "$program" --inherit-argv0 "$@"
}

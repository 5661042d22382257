# Builds src/hello.c with the host's C compiler into $out/bin/hello.
set -eu
export PATH="$toolPath"
mkdir -p "$out/bin"
cc -O2 -o "$out/bin/hello" "$src/hello.c"
mkdir -p "$out/share/doc/hello"
cp "$greeting" "$out/share/doc/hello/greeting.txt"
cp "$message" "$out/share/doc/hello/message.txt"
